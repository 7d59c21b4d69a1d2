package io.onboarding.backup;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.kit.Refusal;
import io.onboarding.kit.RequestSchemas;
import io.onboarding.operation.OperationLauncher;
import io.onboarding.operation.SubjectBusyException;
import io.onboarding.tenant.TenantClusters;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission of backups and restores: checks a request and starts the operation that does the work
 * ({@link BackupSteps}); the schedule's ticks come here too.
 */
public final class TenantBackups {

    private static final Logger LOG = LoggerFactory.getLogger(TenantBackups.class);
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final TenantClusters clusters;
    private final TenantRepository tenants;
    private final BackupRepository backups;
    private final OperationLauncher launcher;

    public TenantBackups(TenantClusters clusters, TenantRepository tenants, BackupRepository backups,
                         OperationLauncher launcher) {
        this.clusters = clusters;
        this.tenants = tenants;
        this.backups = backups;
        this.launcher = launcher;
    }

    // --- starting operations ------------------------------------------------------------------

    /** {@code POST /api/v1/tenants/{id}/backups}: a manual backup operation. */
    public UUID launchManual(UUID tenantId) {
        tenants.requireActive(tenantId);
        return launcher.launch("backup", tenantId, Map.of("kind", "manual", "backup_id", UUID.randomUUID().toString()));
    }

    /** Fired by the tenant's Quartz schedule (once per tick across instances). */
    public void launchScheduled(String tenant) {
        UUID tenantId = UUID.fromString(tenant);
        TenantRecord record = tenants.find(tenantId).orElse(null);
        if (record == null || !"active".equals(record.status())) {
            LOG.info("Scheduled backup of tenant {} skipped: the tenant is not active", tenantId);
            return;
        }
        try {
            launcher.launch("backup", tenantId, Map.of("kind", "scheduled", "backup_id", UUID.randomUUID().toString()));
        } catch (SubjectBusyException busy) {
            LOG.info("Scheduled backup of tenant {} skipped: {}", tenantId, busy.getMessage());
        }
    }

    /** {@code POST /api/v1/tenants/{id}/restore}: checked here, run as a restore operation. */
    public UUID launchRestore(UUID tenantId, JsonNode body) {
        TenantRecord tenant = tenants.requireActive(tenantId);
        if (body == null || !body.isObject()) {
            throw Refusal.validation("body", "must be a JSON object");
        }
        RequestSchemas.check("RestoreRequest", body);
        UUID backupId;
        try {
            backupId = UUID.fromString(body.path("backup_id").asText(""));
        } catch (IllegalArgumentException e) {
            throw Refusal.validation("backup_id", "must be the id of one of the tenant's backups");
        }
        Backup backup = backups.find(backupId).filter(b -> b.tenantId().equals(tenantId))
                .orElseThrow(() -> Refusal.validation("backup_id", "is not a backup of this tenant"));
        if (!"succeeded".equals(backup.status())) {
            throw Refusal.validation("backup_id", "is a backup that is " + backup.status() + ", not succeeded");
        }
        String target = body.path("target_database").asText(null);
        boolean inPlace = tenant.databaseName().equals(target);
        if (target == null) {
            target = tenant.databaseName() + "_r" + BackupDumps.STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)).toLowerCase();
        } else if (!DATABASE_NAME.matcher(target).matches()) {
            throw Refusal.validation("target_database",
                    "must be a lower-case PostgreSQL name: letters, digits, '_', at most 63");
        } else if (!inPlace && exists(tenant, target)) {
            throw Refusal.validation("target_database", "already exists; name a new database, or the"
                    + " tenant's own (" + tenant.databaseName() + ") to restore in place after a safety backup");
        }
        return launcher.launch("restore", tenantId, Map.of("backup_id", backupId.toString(),
                "target_database", inPlace ? tenant.databaseName() + "_restoring" : target,
                "in_place", Boolean.toString(inPlace)));
    }

    public List<Backup> list(UUID tenantId) {
        tenants.require(tenantId);
        return backups.list(tenantId);
    }

    private boolean exists(TenantRecord tenant, String database) {
        try {
            return clusters.of(tenant).databaseExists(database);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL: " + e.getMessage(), e);
        }
    }
}
