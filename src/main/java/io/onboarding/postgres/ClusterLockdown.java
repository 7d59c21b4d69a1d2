package io.onboarding.postgres;

import static io.onboarding.postgres.SqlIdentifiers.literal;
import static io.onboarding.postgres.SqlIdentifiers.quote;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the platform holds on the cluster itself, applied at every start (idempotent):
 * <ul>
 * <li>{@value #DATABASE_OWNER}, a NOLOGIN role that owns every tenant database. No tenant login is
 * ever a member of it, so no tenant can {@code ALTER DATABASE} its connection limit, re-open a
 * suspended database, rename or drop it. The service's own user is a member.</li>
 * <li>{@value #STEWARDS}, a NOLOGIN role with no privileges whose members are the tenants' stewards
 * (the logins the platform works inside tenant databases with): one {@code +onboarding_tenant_stewards}
 * line in {@code pg_hba.conf} lets them log in with scram-sha-256 where other users need a certificate.</li>
 * <li>The databases that are not tenants' (the maintenance database, the control plane,
 * {@code template1}) closed to PUBLIC: tenant logins can neither connect to them nor make TEMP
 * tables there. Only possible where the service owns them or is superuser; elsewhere it is logged
 * for the DBA to do.</li>
 * </ul>
 */
public final class ClusterLockdown {

    /** Owner of every tenant database. */
    public static final String DATABASE_OWNER = "onboarding_database_owner";
    private static final String MARKER = "tenant-onboarding: owner of tenant databases";
    /** Group of every tenant's steward; it has no privileges of its own. */
    public static final String STEWARDS = "onboarding_tenant_stewards";
    private static final String STEWARDS_MARKER = "tenant-onboarding: the tenants' stewards";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterLockdown.class);

    private ClusterLockdown() {
    }

    public static void apply(PostgresCluster cluster, String maintenanceDatabase, String platformDatabase)
            throws SQLException {
        try (Connection connection = cluster.connect(maintenanceDatabase)) {
            requireVersion(connection, cluster);
            ensureOwnerRole(connection);
            ensureGroup(connection, STEWARDS, STEWARDS_MARKER, "");
            Set<String> closed = new LinkedHashSet<>(List.of(maintenanceDatabase, platformDatabase, "template1"));
            for (String database : closed) {
                closeToPublic(connection, database);
            }
        }
    }

    /**
     * PostgreSQL 15 or newer: before 15 a role could grant membership in itself from its own session, so
     * a tenant's code running in its steward's session could hand the steward to any login.
     */
    private static void requireVersion(Connection connection, PostgresCluster cluster) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT current_setting('server_version_num')::int,"
                     + " current_setting('server_version')")) {
            rs.next();
            if (rs.getInt(1) < 150000) {
                throw new IllegalStateException("PostgreSQL " + rs.getString(2) + " at " + cluster
                        + " is older than 15, which this service needs (before 15 a role may grant itself to"
                        + " others, and a tenant's code could so take the platform's login into its database)");
            }
        }
    }

    private static void ensureOwnerRole(Connection connection) throws SQLException {
        ensureGroup(connection, DATABASE_OWNER, MARKER, "; refusing to hand it tenant databases");
        if (!isSuperuser(connection)) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("GRANT " + quote(DATABASE_OWNER) + " TO CURRENT_USER");
            }
        }
    }

    /** A NOLOGIN role of the platform's, made if missing; one that can log in or lacks the marker is not ours. */
    private static void ensureGroup(Connection connection, String role, String marker, String refusal)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT rolcanlogin,"
                + " coalesce(shobj_description(oid, 'pg_authid'), '') FROM pg_roles WHERE rolname = ?");
             Statement statement = connection.createStatement()) {
            query.setString(1, role);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    statement.execute("CREATE ROLE " + quote(role) + " NOLOGIN");
                    statement.execute("COMMENT ON ROLE " + quote(role) + " IS " + literal(marker));
                } else if (rs.getBoolean(1) || !marker.equals(rs.getString(2))) {
                    throw new IllegalStateException("role " + role + " exists but was not made by this service"
                            + " (it can log in or has no marker)" + refusal);
                }
            }
        }
    }

    private static void closeToPublic(Connection connection, String database) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT pg_has_role(datdba, 'USAGE')"
                + " FROM pg_database WHERE datname = ?")) {
            query.setString(1, database);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                if (!rs.getBoolean(1) && !isSuperuser(connection)) {
                    LOG.warn("Database {} is not the service's: revoke CONNECT and TEMPORARY on it from PUBLIC"
                            + " by hand, or tenant logins can connect to it", database);
                    return;
                }
            }
        }
        try (Statement statement = connection.createStatement()) {
            // The owner keeps its own rights; the service connects as owner or superuser.
            statement.execute("REVOKE CONNECT, TEMPORARY ON DATABASE " + quote(database) + " FROM PUBLIC");
        }
    }

    public static boolean isSuperuser(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
