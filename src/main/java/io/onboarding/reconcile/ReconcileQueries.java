package io.onboarding.reconcile;

import io.onboarding.tenant.TenantNaming;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/** Every SQL statement of reconciliation: the control plane's live tenants and each cluster's marked objects. */
final class ReconcileQueries {

    /** A database or role of the cluster that carries our owner marker. */
    record MarkedObject(String name, UUID tenantId) {
    }

    /** A tenant that must have all its resources: active or suspended, with no operation running. */
    record SettledTenant(UUID tenantId, String status, String databaseName, boolean localGitRepository, String cluster) {
    }

    private static final String RUNNING = "EXISTS (SELECT 1 FROM operations o WHERE o.tenant_id = t.tenant_id"
            + " AND o.status = 'running')";

    private final JdbcTemplate controlPlane;

    ReconcileQueries(JdbcTemplate controlPlane) {
        this.controlPlane = controlPlane;
    }

    /** Tenants whose resources may exist: any status but destroyed or failed, or an operation still running. */
    Set<UUID> liveTenants() {
        return new HashSet<>(controlPlane.queryForList("SELECT tenant_id FROM tenants t WHERE status NOT IN"
                + " ('destroyed', 'failed') OR " + RUNNING, UUID.class));
    }

    /** Tenants that are gone (destroyed, or failed and compensated) and have no operation running. */
    Set<UUID> deadTenants() {
        return new HashSet<>(controlPlane.queryForList("SELECT tenant_id FROM tenants t WHERE status IN"
                + " ('destroyed', 'failed') AND NOT " + RUNNING, UUID.class));
    }

    List<SettledTenant> settledTenants() {
        return controlPlane.query("SELECT t.tenant_id, t.status, t.database_name, (g.host = 'local'"
                        + " AND g.archived_at IS NULL) AS local_git, t.cluster FROM tenants t"
                        + " LEFT JOIN tenant_git_repositories g ON g.tenant_id = t.tenant_id"
                        + " WHERE t.status IN ('active', 'suspended') AND NOT " + RUNNING,
                (rs, i) -> new SettledTenant(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        rs.getBoolean(4), rs.getString(5)));
    }

    /** Databases of a cluster marked as a tenant's: pg_database and pg_roles are shared by every database of a cluster. */
    static List<MarkedObject> markedDatabases(Connection cluster) throws SQLException {
        return marked(cluster, "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database"
                + " WHERE shobj_description(oid, 'pg_database') LIKE 'tenant-onboarding tenant %'");
    }

    static List<MarkedObject> markedRoles(Connection cluster) throws SQLException {
        return marked(cluster, "SELECT rolname, shobj_description(oid, 'pg_authid') FROM pg_roles"
                + " WHERE shobj_description(oid, 'pg_authid') LIKE 'tenant-onboarding tenant %'");
    }

    private static List<MarkedObject> marked(Connection cluster, String sql) throws SQLException {
        List<MarkedObject> found = new ArrayList<>();
        try (Statement statement = cluster.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                Optional<UUID> tenant = TenantNaming.markedTenant(rs.getString(2));
                if (tenant.isPresent()) {
                    found.add(new MarkedObject(rs.getString(1), tenant.get()));
                }
            }
        }
        return found;
    }
}
