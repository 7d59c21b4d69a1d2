package io.onboarding.tenant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Reads the owner marker ({@link TenantNaming#ownerMarker}) that the service writes as the COMMENT of
 * every cluster-wide object it makes for a tenant: roles and databases.
 */
public final class OwnerMarkers {

    private OwnerMarkers() {
    }

    /** The role's marker ("" if it has none), or empty if there is no such role. */
    public static Optional<String> ofRole(Connection connection, String role) throws SQLException {
        return query(connection,
                "SELECT coalesce(shobj_description(oid, 'pg_authid'), '') FROM pg_roles WHERE rolname = ?", role);
    }

    /** The database's marker ("" if it has none), or empty if there is no such database. */
    public static Optional<String> ofDatabase(Connection connection, String database) throws SQLException {
        return query(connection,
                "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = ?",
                database);
    }

    private static Optional<String> query(Connection connection, String sql, String name) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, name);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
