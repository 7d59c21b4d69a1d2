package io.onboarding.tenant;

import static io.onboarding.platform.SqlIdentifiers.literal;
import static io.onboarding.platform.SqlIdentifiers.quote;

import io.onboarding.platform.PostgresCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;

/**
 * A tenant's four NOLOGIN roles. Roles are cluster-global, so each carries the tenant's owner marker
 * as its comment; a role of the same name without it belongs to someone else and fails the step.
 * All four are created in one transaction: after a crash, either all exist or none do.
 */
public final class TenantRoleProvisioner {

    private final PostgresCluster cluster;
    private final String maintenanceDatabase;

    public TenantRoleProvisioner(PostgresCluster cluster, String maintenanceDatabase) {
        this.cluster = cluster;
        this.maintenanceDatabase = maintenanceDatabase;
    }

    public void create(TenantRecord tenant) throws SQLException {
        UUID tenantId = tenant.tenantId();
        String marker = TenantNaming.ownerMarker(tenantId);
        try (Connection connection = cluster.connect(maintenanceDatabase)) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                for (TenantRole role : TenantRole.values()) {
                    String name = TenantNaming.roleName(tenantId, role);
                    Optional<String> existing = OwnerMarkers.ofRole(connection, name);
                    if (existing.isPresent()) {
                        if (!marker.equals(existing.get())) {
                            throw new TenantConflictException("role " + name
                                    + " already exists and does not belong to tenant " + tenantId);
                        }
                        continue;
                    }
                    statement.execute("CREATE ROLE " + quote(name) + " NOLOGIN");
                    statement.execute("COMMENT ON ROLE " + quote(name) + " IS " + literal(marker));
                }
                // A CREATEROLE (not superuser) service user must be a member of the admin role to hand
                // it the database and to run migrations as it.
                if (!isSuperuser(connection)) {
                    statement.execute("GRANT " + quote(TenantNaming.roleName(tenantId, TenantRole.TENANT_ADMIN))
                            + " TO CURRENT_USER");
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** Compensation: drops the tenant's own roles (never a look-alike); idempotent. */
    public void drop(UUID tenantId) throws SQLException {
        String marker = TenantNaming.ownerMarker(tenantId);
        try (Connection connection = cluster.connect(maintenanceDatabase);
             Statement statement = connection.createStatement()) {
            TenantRole[] roles = TenantRole.values();
            for (int i = roles.length - 1; i >= 0; i--) {
                String name = TenantNaming.roleName(tenantId, roles[i]);
                if (OwnerMarkers.ofRole(connection, name).filter(marker::equals).isPresent()) {
                    statement.execute("DROP ROLE " + quote(name));
                }
            }
        }
    }

    private static boolean isSuperuser(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
