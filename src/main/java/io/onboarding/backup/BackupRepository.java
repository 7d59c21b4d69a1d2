package io.onboarding.backup;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** Backups in the control plane: the one place their SQL lives. */
public final class BackupRepository {

    private static final String COLUMNS = "backup_id, tenant_id, kind, status, database_name, storage_location,"
            + " location, size_bytes, checksum_sha256, encrypted, encryption_level, error, started_at, completed_at";

    private final JdbcTemplate jdbc;

    public BackupRepository(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** Records the backup as running (again, if a crashed attempt left it running). */
    public void started(UUID backupId, UUID tenantId, UUID operationId, String kind, String database,
                        String storageLocation, String encryptionLevel) {
        jdbc.update("INSERT INTO backups (backup_id, tenant_id, operation_id, kind, status, database_name,"
                        + " storage_location, encryption_level) VALUES (?, ?, ?, ?, 'running', ?, ?, ?)"
                        + " ON CONFLICT (backup_id) DO UPDATE SET status = 'running', error = NULL, started_at = now()",
                backupId, tenantId, operationId, kind, database, storageLocation, encryptionLevel);
    }

    public void succeeded(UUID backupId, String location, long size, String checksum) {
        jdbc.update("UPDATE backups SET status = 'succeeded', location = ?, size_bytes = ?, checksum_sha256 = ?,"
                + " completed_at = now() WHERE backup_id = ?", location, size, checksum, backupId);
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
     * Successful backups past their tenant's retention, never the newest successful one of a tenant.
     */
    public List<Backup> pastRetention() {
        return jdbc.query("SELECT " + COLUMNS + " FROM backups WHERE backup_id IN (SELECT b.backup_id"
                + " FROM backups b JOIN tenants t ON t.tenant_id = b.tenant_id WHERE b.status = 'succeeded'"
                + " AND b.completed_at < now() - make_interval(days => (t.backup_policy->>'retention_days')::int)"
                + " AND b.backup_id <> (SELECT n.backup_id FROM backups n WHERE n.tenant_id = b.tenant_id"
                + " AND n.status = 'succeeded' ORDER BY n.completed_at DESC LIMIT 1))", BackupRepository::map);
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
                rs.getObject("completed_at", OffsetDateTime.class));
    }
}
