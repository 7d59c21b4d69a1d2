package io.onboarding.tenant.schema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The control plane's record of each tenant's schema version ({@code tenants.schema_version}, written
 * whenever its database is migrated) and of a rollout's per-tenant progress ({@code rollout_tenants}).
 */
public final class TenantSchemaVersions {

    /** A tenant in a rollout: its place, whether it is a canary, where it stands. */
    public record RolloutTenant(UUID tenantId, boolean canary, String status, String error) {
    }

    private final JdbcTemplate jdbc;

    public TenantSchemaVersions(DataSource controlPlane) {
        this.jdbc = new JdbcTemplate(controlPlane);
    }

    /** What the control plane knows of a tenant's schema: its version, and a migration begun and not recorded. */
    public record Recorded(String version, String applying) {
    }

    /** The version the tenant's database is at; a migration under way is over (committed or not). */
    public void record(UUID tenantId, String version) {
        jdbc.update("UPDATE tenants SET schema_version = ?, schema_applying = NULL WHERE tenant_id = ?", version,
                tenantId);
    }

    /** A migration is about to run: if the service stops before {@link #record}, the database's mark decides. */
    public void applying(UUID tenantId, String version) {
        jdbc.update("UPDATE tenants SET schema_applying = ? WHERE tenant_id = ?", version, tenantId);
    }

    public Recorded recorded(UUID tenantId) {
        return jdbc.query("SELECT schema_version, schema_applying FROM tenants WHERE tenant_id = ?",
                rs -> rs.next() ? new Recorded(rs.getString(1), rs.getString(2)) : new Recorded(null, null), tenantId);
    }

    /** Tenants with a database (active or suspended) by schema version; "unknown" if never recorded. */
    public Map<String, Integer> tenantsByVersion() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        jdbc.query("SELECT coalesce(schema_version, 'unknown'), count(*) FROM tenants"
                        + " WHERE status IN ('active', 'suspended') GROUP BY 1 ORDER BY 1",
                rs -> {
                    counts.put(rs.getString(1), rs.getInt(2));
                });
        return counts;
    }

    /** Records which active tenants the rollout migrates, oldest first; the first {@code canaries} go first. */
    public void plan(UUID operationId, String version, int canaries) {
        jdbc.update("INSERT INTO rollout_tenants (operation_id, tenant_id, position, canary)"
                + " SELECT ?, tenant_id, n, n <= ? FROM (SELECT tenant_id,"
                + " row_number() OVER (ORDER BY created_at, tenant_id) AS n FROM tenants"
                + " WHERE status = 'active' AND schema_version IS DISTINCT FROM ?) planned"
                + " ON CONFLICT DO NOTHING", operationId, canaries, version);
    }

    /** The rollout's tenants not done yet (canaries or the others), in order. */
    public List<UUID> remaining(UUID operationId, boolean canary) {
        return jdbc.queryForList("SELECT tenant_id FROM rollout_tenants WHERE operation_id = ? AND canary = ?"
                + " AND status IN ('pending', 'running') ORDER BY position", UUID.class, operationId, canary);
    }

    public void progress(UUID operationId, UUID tenantId, String status, String error) {
        jdbc.update("UPDATE rollout_tenants SET status = ?, error = ?,"
                + " finished_at = CASE WHEN ? IN ('pending', 'running') THEN NULL ELSE now() END"
                + " WHERE operation_id = ? AND tenant_id = ?", status, error, status, operationId, tenantId);
    }

    public List<RolloutTenant> rollout(UUID operationId) {
        return jdbc.query("SELECT tenant_id, canary, status, error FROM rollout_tenants WHERE operation_id = ?"
                + " ORDER BY position", (rs, i) -> new RolloutTenant(rs.getObject(1, UUID.class), rs.getBoolean(2),
                rs.getString(3), rs.getString(4)), operationId);
    }
}
