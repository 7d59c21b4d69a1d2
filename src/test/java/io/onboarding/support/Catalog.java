package io.onboarding.support;

import io.onboarding.postgres.PostgresCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Looks at where provisioning lands: pg_catalog of the cluster and the control-plane tables. */
public final class Catalog {

    private final PostgresCluster cluster;
    private final String platformDb;

    public Catalog(PostgresCluster cluster, String platformDb) {
        this.cluster = cluster;
        this.platformDb = platformDb;
    }

    /** First column of every row of a query run as the superuser in the given database. */
    public List<String> column(String database, String sql, Object... args) {
        try (Connection connection = cluster.connect(database);
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public String value(String database, String sql, Object... args) {
        List<String> values = column(database, sql, args);
        return values.isEmpty() ? null : values.get(0);
    }

    public List<String> platform(String sql, Object... args) {
        return column(platformDb, sql, args);
    }

    public void execute(String database, String... statements) {
        try (Connection connection = cluster.connect(database); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean databaseExists(String name) {
        return value("postgres", "SELECT count(*) FROM pg_database WHERE datname = ?", name).equals("1");
    }

    public boolean roleExists(String name) {
        return value("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = ?", name).equals("1");
    }

    /** Opens a connection with a role's own password, over TCP (scram-sha-256, not trust). */
    public Connection login(String database, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        return DriverManager.getConnection(cluster.jdbcUrl(database), properties);
    }
}
