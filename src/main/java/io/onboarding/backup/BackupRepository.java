package io.onboarding.backup;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** Backups in the control plane: the one place their SQL lives. */
public final class BackupRepository {

    private static final String COLUMNS = "backup_id, tenant_id, kind, status, database_name, storage_location,"
            + " location, size_bytes, checksum_sha256, encrypted, encryption_level, error, started_at, completed_at,"
            + " tenant_data_key, storage_class";

    private final JdbcTemplate jdbc;

    public BackupRepository(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** Records the backup as running (again, if a crashed attempt left it running). */
    public void started(UUID backupId, UUID tenantId, UUID operationId, String kind, String database,
                        String storageLocation, String encryptionLevel, boolean tenantDataKey) {
        jdbc.update("INSERT INTO backups (backup_id, tenant_id, operation_id, kind, status, database_name,"
                        + " storage_location, encryption_level, tenant_data_key, schema_version)"
                        + " VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, (SELECT schema_version FROM tenants WHERE tenant_id = ?))"
                        + " ON CONFLICT (backup_id) DO UPDATE SET status = 'running', error = NULL, started_at = now(),"
                        + " encryption_level = excluded.encryption_level, tenant_data_key = excluded.tenant_data_key,"
                        + " schema_version = excluded.schema_version",
                backupId, tenantId, operationId, kind, database, storageLocation, encryptionLevel, tenantDataKey,
                tenantId);
    }

    /** The tenant schema version the backup was taken at (the control plane's then); empty if not recorded. */
    public java.util.Optional<String> schemaVersion(UUID backupId) {
        return jdbc.queryForList("SELECT schema_version FROM backups WHERE backup_id = ? AND schema_version IS NOT NULL",
                String.class, backupId).stream().findFirst();
    }

    /** {@code storageClass}: the object's, as the store reports it; null for a file on disk. */
    public void succeeded(UUID backupId, String location, String storageClass, long size, String checksum) {
        jdbc.update("UPDATE backups SET status = 'succeeded', location = ?, storage_class = ?, size_bytes = ?,"
                + " checksum_sha256 = ?, pending_object = NULL, completed_at = now() WHERE backup_id = ?", location,
                storageClass, size, checksum, backupId);
    }

    /** Before an upload: the object it writes, so a failed backup's object can still be found and deleted. */
    public void uploading(UUID backupId, String objectLocation) {
        jdbc.update("UPDATE backups SET pending_object = ? WHERE backup_id = ?", objectLocation, backupId);
    }

    /** The object an unfinished upload of this backup may have left, if any. */
    public Optional<String> pendingObject(UUID backupId) {
        return jdbc.queryForList("SELECT pending_object FROM backups WHERE backup_id = ? AND pending_object IS NOT NULL",
                String.class, backupId).stream().findFirst();
    }

    /** The pending object is gone (deleted, or it became the backup). */
    public void objectRemoved(UUID backupId) {
        jdbc.update("UPDATE backups SET pending_object = NULL WHERE backup_id = ?", backupId);
    }

    /** Failed backups whose object could not be deleted when they failed. */
    public List<UUID> withAbandonedObjects() {
        return jdbc.queryForList("SELECT backup_id FROM backups WHERE status = 'failed' AND pending_object IS NOT NULL",
                UUID.class);
    }

    public void failed(UUID backupId, String error) {
        jdbc.update("UPDATE backups SET status = 'failed', error = ?, completed_at = now() WHERE backup_id = ?"
                + " AND status <> 'succeeded'", error, backupId);
    }

    public Optional<Backup> find(UUID backupId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM backups WHERE backup_id = ?", BackupRepository::map, backupId)
                .stream().findFirst();
    }

    public List<Backup> list(UUID tenantId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM backups WHERE tenant_id = ? AND status <> 'expired'"
                + " ORDER BY started_at DESC", BackupRepository::map, tenantId);
    }

    /** The latest finished backup of every database: what backup_job_success starts from. */
    public List<Backup> latestPerDatabase() {
        return jdbc.query("SELECT DISTINCT ON (database_name) " + COLUMNS + " FROM backups"
                + " WHERE status IN ('succeeded', 'failed') ORDER BY database_name, started_at DESC",
                BackupRepository::map);
    }

    /**
     * Successful backups to delete: past their tenant's retention_days (never the newest of a tenant),
     * beyond the per-tenant cap (oldest first), and every backup of a tenant destroyed longer ago than
     * the final retention (its final backup is its newest).
     */
    public List<Backup> pastRetention(int maxPerTenant, Duration finalRetention) {
        return jdbc.query("WITH ranked AS (SELECT b.backup_id, b.completed_at, t.status AS tenant_status,"
                + " (t.backup_policy->>'retention_days')::int AS days, row_number() OVER (PARTITION BY b.tenant_id"
                + " ORDER BY b.completed_at DESC) AS n FROM backups b JOIN tenants t ON t.tenant_id = b.tenant_id"
                + " WHERE b.status = 'succeeded')"
                + " SELECT " + COLUMNS + " FROM backups WHERE backup_id IN (SELECT backup_id FROM ranked WHERE"
                + " (n > 1 AND completed_at < now() - make_interval(days => days)) OR n > ?"
                + " OR (tenant_status = 'destroyed' AND completed_at < now() - make_interval(secs => ?)))"
                + " ORDER BY tenant_id, completed_at", BackupRepository::map,
                maxPerTenant, (double) finalRetention.toMillis() / 1000);
    }

    /** Backups of the tenant that still hold (or may soon hold) data, other than the one given. */
    public int othersHoldingData(UUID tenantId, UUID backupId) {
        Integer count = jdbc.queryForObject("SELECT count(*) FROM backups WHERE tenant_id = ? AND backup_id <> ?"
                + " AND status IN ('running', 'succeeded')", Integer.class, tenantId, backupId);
        return count == null ? 0 : count;
    }

    public void expired(UUID backupId) {
        jdbc.update("UPDATE backups SET status = 'expired' WHERE backup_id = ?", backupId);
    }

    private static Backup map(ResultSet rs, int row) throws SQLException {
        return new Backup(rs.getObject("backup_id", UUID.class), rs.getObject("tenant_id", UUID.class),
                rs.getString("kind"), rs.getString("status"), rs.getString("database_name"),
                rs.getString("storage_location"), rs.getString("location"), (Long) rs.getObject("size_bytes"),
                rs.getString("checksum_sha256"), rs.getBoolean("encrypted"), rs.getString("encryption_level"),
                rs.getString("error"), rs.getObject("started_at", OffsetDateTime.class),
                rs.getObject("completed_at", OffsetDateTime.class), rs.getBoolean("tenant_data_key"), rs.getString("storage_class"));
    }
}
