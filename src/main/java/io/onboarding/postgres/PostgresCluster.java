package io.onboarding.postgres;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Where the PostgreSQL cluster that hosts the control plane and every tenant database is, and how to
 * open a connection to any database on it as the service's own (superuser or CREATEDB+CREATEROLE) user,
 * with its TLS settings ({@link PostgresTls}) in every JDBC URL.
 */
public record PostgresCluster(String host, int port, String user, String password, PostgresTls tls) {

    /** Where cluster-wide statements (CREATE DATABASE, roles, catalog reads) are run. */
    public static final String MAINTENANCE_DATABASE = "postgres";

    public PostgresCluster {
        tls = tls == null ? PostgresTls.DEFAULT : tls;
    }

    /** A cluster reached with the clients' default TLS behaviour. */
    public PostgresCluster(String host, int port, String user, String password) {
        this(host, port, user, password, PostgresTls.DEFAULT);
    }

    /** Every pool, Flyway and DataSource is built from this URL, so each carries the TLS settings. */
    public String jdbcUrl(String database) {
        StringBuilder url = new StringBuilder("jdbc:postgresql://" + host + ":" + port + "/" + database);
        char separator = '?';
        for (String name : tls.jdbcProperties().stringPropertyNames().stream().sorted().toList()) {
            url.append(separator).append(name).append('=')
                    .append(URLEncoder.encode(tls.jdbcProperties().getProperty(name), StandardCharsets.UTF_8));
            separator = '&';
        }
        return url.toString();
    }

    /** A short-lived connection for administrative work (CREATE DATABASE cannot run on a pooled transaction). */
    public Connection connect(String database) throws SQLException {
        return open(database, user, password, null);
    }

    /**
     * The platform login inside a database whose objects a tenant can define, for catalog-only work:
     * search path {@value #CATALOG_SEARCH_PATH}, so a function or operator the tenant put in {@code public}
     * (a better-matching {@code public.=(name, text)}) is never found instead of the catalog's.
     */
    public Connection connectForCatalog(String database) throws SQLException {
        return open(database, user, password, "-c search_path=" + CATALOG_SEARCH_PATH);
    }

    /** Logged in as {@code login} (a tenant's steward), the session starting with libpq {@code options}. */
    public Connection connectAs(String database, String login, String loginPassword, String options)
            throws SQLException {
        return open(database, login, loginPassword, options);
    }

    private Connection open(String database, String login, String loginPassword, String options)
            throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", login);
        if (loginPassword != null) {
            properties.setProperty("password", loginPassword);
        }
        properties.setProperty("ApplicationName", "tenant-onboarding");
        if (options != null) {
            properties.setProperty("options", options);
        }
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    /** pg_dump's own choice: nothing the tenant can create is found by an unqualified name. */
    public static final String CATALOG_SEARCH_PATH = "pg_catalog,pg_temp";

    /** The server's major version (e.g. 15), to pick a matching pg_dump. */
    public int serverMajorVersion() throws SQLException {
        try (Connection connection = connect(MAINTENANCE_DATABASE); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SHOW server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1)) / 10000;
        }
    }

    public boolean databaseExists(String name) throws SQLException {
        try (Connection connection = connect(MAINTENANCE_DATABASE);
             PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            query.setString(1, name);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Ends every session on {@code database} (after ALLOW_CONNECTIONS false, none come back). */
    public static void terminateDatabaseSessions(Connection connection, String database) throws SQLException {
        terminate(connection, "datname", database);
    }

    /** Ends every session of the role {@code login}. */
    public static void terminateRoleSessions(Connection connection, String login) throws SQLException {
        terminate(connection, "usename", login);
    }

    private static void terminate(Connection connection, String column, String value) throws SQLException {
        try (PreparedStatement terminate = connection.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE " + column + " = ?")) {
            terminate.setString(1, value);
            terminate.executeQuery().close();
        }
    }

    @Override
    public String toString() {
        return "PostgresCluster[" + user + "@" + host + ":" + port + "]";
    }
}
