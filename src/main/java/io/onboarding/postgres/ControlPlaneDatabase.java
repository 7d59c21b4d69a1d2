package io.onboarding.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The control-plane database: created if missing, migrated by Flyway, reached through one pool. */
public final class ControlPlaneDatabase {

    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneDatabase.class);

    private ControlPlaneDatabase() {
    }

    /**
     * {@code connectionTimeout}: how long a caller waits for a connection (a PostgreSQL outage fails calls
     * after it). {@code instanceName} (may be empty) is appended to the connections' {@code application_name},
     * so {@code pg_stat_activity} and {@code pg_locks} show which instance holds which operation's lock.
     */
    public static HikariDataSource open(PostgresCluster cluster, String database, int poolSize,
                                        java.time.Duration connectionTimeout, String instanceName) throws SQLException {
        createIfMissing(cluster, database);
        HikariConfig config = new HikariConfig();
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setJdbcUrl(cluster.jdbcUrl(database));
        config.setUsername(cluster.user());
        config.setPassword(cluster.password());
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("control-plane");
        config.addDataSourceProperty("ApplicationName", applicationName(instanceName));
        HikariDataSource dataSource = new HikariDataSource(config);
        migrate(dataSource);
        return dataSource;
    }

    /** {@code tenant-onboarding}, or {@code tenant-onboarding/<instance>} (PostgreSQL keeps 63 bytes of it). */
    static String applicationName(String instanceName) {
        return instanceName.isBlank() ? "tenant-onboarding" : "tenant-onboarding/" + instanceName.strip();
    }

    private static void createIfMissing(PostgresCluster cluster, String database) throws SQLException {
        if (cluster.databaseExists(database)) {
            return;
        }
        try (Connection connection = cluster.connect(PostgresCluster.MAINTENANCE_DATABASE);
             Statement create = connection.createStatement()) {
            create.execute("CREATE DATABASE " + SqlIdentifiers.quote(database) + " ENCODING 'UTF8' TEMPLATE template0");
            LOG.info("Created control-plane database {}", database);
        } catch (SQLException e) {
            if (!"42P04".equals(e.getSQLState())) { // duplicate_database: another instance won the race
                throw e;
            }
        }
    }

    private static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/platform")
                .load()
                .migrate();
    }
}
