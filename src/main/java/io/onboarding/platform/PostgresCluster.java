package io.onboarding.platform;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Where the PostgreSQL cluster that hosts the control plane and every tenant database is, and how to
 * open a connection to any database on it as the service's own (superuser or CREATEDB+CREATEROLE) user.
 */
public record PostgresCluster(String host, int port, String user, String password) {

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** A short-lived connection for administrative work (CREATE DATABASE cannot run on a pooled transaction). */
    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("ApplicationName", "tenant-onboarding");
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    @Override
    public String toString() {
        return "PostgresCluster[" + user + "@" + host + ":" + port + "]";
    }
}
