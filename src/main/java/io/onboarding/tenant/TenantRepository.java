package io.onboarding.tenant;

import io.onboarding.tenant.TenantRequest;

import com.fasterxml.jackson.core.type.TypeReference;
import io.onboarding.kit.Refusal;
import io.onboarding.kit.Json;
import io.onboarding.cluster.ClusterDirectory;
import io.onboarding.cluster.ClusterHeadcount;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/** Tenants in the control plane: the one place their SQL lives. */
public final class TenantRepository implements ClusterHeadcount, TenantWarnings {

    private static final String COLUMNS = "tenant_id, tenant_name, plan, region, monitoring_level, backup_policy,"
            + " admin_email, status, request_fingerprint, database_name, database_host, database_port,"
            + " connection_limit, encoding, warnings, suspended_at, suspension_reason, created_at, updated_at,"
            + " collation_name, collation_provider, cloud_resource_id, destroyed_at, final_backup_id, cluster";
    /** Tenants whose database exists and counts (active or suspended). */
    private static final String WITH_DATABASE = "SELECT " + COLUMNS + " FROM tenants"
            + " WHERE status IN ('active', 'suspended')";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    /** Serialises placements (any instance): counting a cluster's tenants and adding one is atomic. */
    private static final long PLACEMENT_LOCK = 0x6f6e62706c6163L; // "onbplac"

    private final JdbcTemplate jdbc;
    private final ClusterDirectory clusters;

    /** {@code clusters}: where each tenant's clients connect (host, port, TLS mode), by the cluster it is on. */
    public TenantRepository(DataSource dataSource, ClusterDirectory clusters) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.clusters = clusters;
    }

    /** The TLS mode the tenant's clients should use on its cluster (libpq's names). */
    public String sslMode(TenantRecord tenant) {
        return clusters.endpoint(tenant.cluster()).sslMode();
    }

    /** Inserts the tenant, placed on {@code cluster}, unless its id exists; true if inserted. Joins the caller's transaction. */
    public boolean insertIfAbsent(TenantRequest request, int connectionLimit, String cluster) {
        return jdbc.update("INSERT INTO tenants (tenant_id, tenant_name, plan, region, monitoring_level, backup_policy,"
                        + " admin_email, status, request_fingerprint, database_name, connection_limit, cluster)"
                        + " VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, 'provisioning', ?, ?, ?, ?) ON CONFLICT (tenant_id) DO NOTHING",
                request.tenantId(), request.tenantName(), request.plan(), request.region(), request.monitoringLevel(),
                Json.write(request.backupPolicy()), request.adminEmail(), request.fingerprint(),
                TenantNaming.databaseName(request.tenantId()), connectionLimit, cluster) == 1;
    }

    /** Held until the caller's transaction ends: no other placement counts tenants meanwhile. */
    public void lockPlacement() {
        jdbc.queryForList("SELECT pg_advisory_xact_lock(?)", Object.class, PLACEMENT_LOCK);
    }

    /** Tenants per cluster that hold (or will hold) a database there: all but failed and destroyed ones. */
    public Map<String, Long> liveTenantsByCluster() {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.query("SELECT cluster, count(*) FROM tenants WHERE status NOT IN ('destroyed', 'failed') GROUP BY cluster",
                rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }

    /** The cluster the tenant's row names. */
    public String clusterOf(UUID tenantId) {
        return jdbc.queryForList("SELECT cluster FROM tenants WHERE tenant_id = ?", String.class, tenantId).stream()
                .findFirst().orElseThrow(() -> new IllegalStateException("tenant " + tenantId + " does not exist"));
    }

    /** The tenant now lives on {@code cluster}: its row and connection details say so. */
    public void placedOn(UUID tenantId, String cluster) {
        ClusterDirectory.Endpoint endpoint = clusters.endpoint(cluster);
        jdbc.update("UPDATE tenants SET cluster = ?, database_host = CASE WHEN database_host IS NULL THEN NULL ELSE ? END,"
                + " database_port = CASE WHEN database_port IS NULL THEN NULL ELSE ? END, updated_at = now()"
                + " WHERE tenant_id = ?", cluster, endpoint.host(), endpoint.port(), tenantId);
    }

    public Optional<TenantRecord> find(UUID tenantId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM tenants WHERE tenant_id = ?", MAPPER, tenantId)
                .stream().findFirst();
    }

    /** The tenant an API call names: 404 if there is none. */
    public TenantRecord require(UUID tenantId) {
        return find(tenantId).orElseThrow(() -> Refusal.notFound("tenant " + tenantId));
    }

    /** The tenant an API call works on: 404 if there is none, 409 unless it is active. */
    public TenantRecord requireActive(UUID tenantId) {
        TenantRecord tenant = require(tenantId);
        if (!"active".equals(tenant.status())) {
            throw new Refusal(409, "conflict", "tenant " + tenantId + " is " + tenant.status()
                    + "; this needs an active tenant");
        }
        return tenant;
    }

    /** The step that loads the tenant an operation works on into the exchange body. */
    public TenantRecord load(UUID tenantId) {
        return find(tenantId).orElseThrow(() -> new IllegalStateException("tenant " + tenantId + " does not exist"));
    }

    public List<TenantRecord> active() {
        return jdbc.query("SELECT " + COLUMNS + " FROM tenants WHERE status = 'active'", MAPPER);
    }

    /** Tenants whose database exists and counts (active or suspended). */
    public List<TenantRecord> withDatabase() {
        return jdbc.query(WITH_DATABASE, MAPPER);
    }

    /** Tenants with a database whose schema the control plane does not record at {@code version}. */
    public List<TenantRecord> withDatabaseBehind(String version) {
        return jdbc.query(WITH_DATABASE + " AND schema_version IS DISTINCT FROM ?", MAPPER, version);
    }

    /** How many tenants are in each status. */
    public Map<String, Long> countByStatus() {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.query("SELECT status, count(*) FROM tenants GROUP BY status ORDER BY status",
                rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }

    /**
     * Locks the tenant's row until the caller's transaction ends, so two operations cannot start on
     * one tenant at once (run inside the launcher's transaction, on the same pool).
     */
    public void lockForOperation(UUID tenantId) {
        jdbc.queryForList("SELECT 1 FROM tenants WHERE tenant_id = ? FOR UPDATE", Integer.class, tenantId);
    }

    /** One page of tenants in creation order, after the given position. */
    public List<TenantRecord> page(String status, String plan, String region, OffsetDateTime afterCreated, UUID afterId,
                                   int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM tenants WHERE true");
        List<Object> args = new ArrayList<>();
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status);
        }
        if (plan != null) {
            sql.append(" AND plan = ?");
            args.add(plan);
        }
        if (region != null) {
            sql.append(" AND region = ?");
            args.add(region);
        }
        if (afterCreated != null) {
            sql.append(" AND (created_at, tenant_id) > (?, ?)");
            args.add(afterCreated);
            args.add(afterId);
        }
        sql.append(" ORDER BY created_at, tenant_id LIMIT ?");
        args.add(limit);
        return jdbc.query(sql.toString(), MAPPER, args.toArray());
    }

    /** The last provisioning step: connection info recorded and the tenant active. */
    public void activate(TenantRecord tenant) {
        ClusterDirectory.Endpoint endpoint = clusters.endpoint(tenant.cluster());
        jdbc.update("UPDATE tenants SET status = 'active', database_host = ?, database_port = ?, updated_at = now()"
                + " WHERE tenant_id = ? AND status = 'provisioning'", endpoint.host(), endpoint.port(), tenant.tenantId());
    }

    /** The collation the tenant's database was created with, and from which provider (libc or icu). */
    public void recordCollation(UUID tenantId, String collation, String provider) {
        jdbc.update("UPDATE tenants SET collation_name = ?, collation_provider = ?, updated_at = now() WHERE tenant_id = ?",
                collation, provider, tenantId);
    }

    /** The cloud provisioner's resource for the tenant: recorded when created, cleared when released. */
    public void cloudResource(UUID tenantId, String resourceId) {
        jdbc.update("UPDATE tenants SET cloud_resource_id = ?, updated_at = now() WHERE tenant_id = ?", resourceId,
                tenantId);
    }

    /** Which identity providers are enabled for the tenant, and since when. */
    public record AuthProviders(List<String> enabled, OffsetDateTime updatedAt) {
    }

    public AuthProviders authProviders(UUID tenantId) {
        return jdbc.query("SELECT auth_providers, auth_updated_at FROM tenants WHERE tenant_id = ?", (rs, i) ->
                new AuthProviders(List.of((String[]) rs.getArray(1).getArray()), rs.getObject(2, OffsetDateTime.class)),
                tenantId).stream().findFirst().orElseThrow();
    }

    public void authProvidersChanged(UUID tenantId, List<String> enabled) {
        jdbc.update(connection -> {
            var statement = connection.prepareStatement("UPDATE tenants SET auth_providers = ?, auth_updated_at = now(),"
                    + " updated_at = now() WHERE tenant_id = ?");
            statement.setArray(1, connection.createArrayOf("text", enabled.toArray()));
            statement.setObject(2, tenantId);
            return statement;
        });
    }

    /** Sets the tenant's warning about one topic (e.g. "monitoring"), replacing an earlier one. */
    @Override
    public void setWarning(UUID tenantId, String topic, String message) {
        jdbc.update("UPDATE tenants SET warnings = coalesce((SELECT jsonb_agg(w) FROM jsonb_array_elements_text(warnings) w"
                + " WHERE w NOT LIKE ?), '[]'::jsonb) || jsonb_build_array(?::text), updated_at = now() WHERE tenant_id = ?",
                topic + ":%", topic + ": " + message, tenantId);
    }

    @Override
    public void clearWarning(UUID tenantId, String topic) {
        jdbc.update("UPDATE tenants SET warnings = coalesce((SELECT jsonb_agg(w) FROM jsonb_array_elements_text(warnings) w"
                + " WHERE w NOT LIKE ?), '[]'::jsonb), updated_at = now() WHERE tenant_id = ?"
                + " AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(warnings) w WHERE w LIKE ?)",
                topic + ":%", tenantId, topic + ":%");
    }

    /** Active tenants with a warning about the topic: what a retry job picks up. */
    public List<TenantRecord> activeWithWarning(String topic) {
        return jdbc.query("SELECT " + COLUMNS + " FROM tenants WHERE status = 'active' AND EXISTS"
                + " (SELECT 1 FROM jsonb_array_elements_text(warnings) w WHERE w LIKE ?)", MAPPER, topic + ":%");
    }

    public void suspended(UUID tenantId, String reason) {
        jdbc.update("UPDATE tenants SET status = 'suspended', suspended_at = now(), suspension_reason = ?,"
                + " updated_at = now() WHERE tenant_id = ?", reason, tenantId);
    }

    public void resumed(UUID tenantId) {
        jdbc.update("UPDATE tenants SET status = 'active', suspended_at = NULL, suspension_reason = NULL,"
                + " updated_at = now() WHERE tenant_id = ?", tenantId);
    }

    /** Moves the tenant from one status to another if it is in the first; true if it was. */
    public boolean transition(UUID tenantId, String from, String to) {
        return jdbc.update("UPDATE tenants SET status = ?, updated_at = now() WHERE tenant_id = ? AND status = ?",
                to, tenantId, from) == 1;
    }

    /** The last destroy step: status destroyed, when, and the final backup if one was taken. */
    public void destroyed(UUID tenantId, UUID finalBackupId) {
        jdbc.update("UPDATE tenants SET status = 'destroyed', destroyed_at = now(), updated_at = now(),"
                + " final_backup_id = (SELECT backup_id FROM backups WHERE backup_id = ? AND status = 'succeeded')"
                + " WHERE tenant_id = ?", finalBackupId, tenantId);
    }

    public void setStatus(UUID tenantId, String status) {
        jdbc.update("UPDATE tenants SET status = ?, updated_at = now() WHERE tenant_id = ?", status, tenantId);
    }

    /** A changed plan, monitoring level or backup policy (PATCH), with the plan's connection limit. */
    public void applyChange(UUID tenantId, String plan, String monitoringLevel, BackupPolicy backupPolicy,
                            int connectionLimit) {
        jdbc.update("UPDATE tenants SET plan = ?, monitoring_level = ?, backup_policy = ?::jsonb, connection_limit = ?,"
                + " updated_at = now() WHERE tenant_id = ?", plan, monitoringLevel, Json.write(backupPolicy),
                connectionLimit, tenantId);
    }

    public void markFailed(UUID tenantId) {
        jdbc.update("UPDATE tenants SET status = 'failed', updated_at = now() WHERE tenant_id = ?"
                + " AND status <> 'destroyed'", tenantId);
    }

    private static final RowMapper<TenantRecord> MAPPER = TenantRepository::map;

    private static TenantRecord map(ResultSet rs, int row) throws SQLException {
        try {
            return new TenantRecord(rs.getObject("tenant_id", UUID.class), rs.getString("tenant_name"),
                    rs.getString("plan"), rs.getString("region"), rs.getString("monitoring_level"),
                    Json.MAPPER.readValue(rs.getString("backup_policy"), BackupPolicy.class),
                    rs.getString("admin_email"), rs.getString("status"), rs.getString("request_fingerprint"),
                    rs.getString("database_name"), rs.getString("database_host"),
                    (Integer) rs.getObject("database_port"), rs.getInt("connection_limit"), rs.getString("encoding"),
                    Json.MAPPER.readValue(rs.getString("warnings"), STRINGS),
                    rs.getObject("suspended_at", OffsetDateTime.class), rs.getString("suspension_reason"),
                    rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class),
                    rs.getString("collation_name"), rs.getString("collation_provider"), rs.getString("cloud_resource_id"),
                    rs.getObject("destroyed_at", OffsetDateTime.class), rs.getObject("final_backup_id", UUID.class),
                    rs.getString("cluster"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("unreadable JSON column in tenants", e);
        }
    }
}
