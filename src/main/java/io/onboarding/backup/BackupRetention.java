package io.onboarding.backup;

import io.onboarding.tenant.BackupLimits;

import io.onboarding.tenant.TenantRepository;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retention job: backups past their tenant's retention_days or beyond the per-tenant cap are
 * deleted, never a live tenant's newest; a destroyed tenant's backups go once the final retention
 * has passed, and with the last of them its keys (crypto-shredding, so no copy of a file that
 * escaped deletion can be read either). Objects in the offsite store are deleted there; a store
 * that cannot be reached leaves the backup for the next run, and the other backups go on. Objects
 * that failed backups could not delete at the time are deleted too.
 */
public final class BackupRetention {

    private static final Logger LOG = LoggerFactory.getLogger(BackupRetention.class);

    private final BackupRepository backups;
    private final TenantRepository tenants;
    private final BackupKeys keys;
    private final BackupLimits limits;
    private final BackupStorage storage;

    public BackupRetention(BackupRepository backups, TenantRepository tenants, BackupKeys keys, BackupLimits limits,
                           BackupStorage storage) {
        this.backups = backups;
        this.storage = storage;
        this.tenants = tenants;
        this.keys = keys;
        this.limits = limits;
    }

    public void apply() throws IOException {
        for (Backup backup : backups.pastRetention(limits.maxBackupsPerTenant(), limits.finalRetention())) {
            try {
                storage.delete(backup);
            } catch (IllegalStateException e) {
                LOG.warn("Backup {} of tenant {} not expired yet (next run retries): {}", backup.backupId(),
                        backup.tenantId(), e.getMessage());
                continue;
            }
            boolean destroyed = tenants.find(backup.tenantId()).map(t -> "destroyed".equals(t.status())).orElse(true);
            if (destroyed && backups.othersHoldingData(backup.tenantId(), backup.backupId()) == 0) {
                // Before the backup is marked expired: if shredding fails, the next run tries again.
                keys.shred(backup.tenantId());
                LOG.info("Backup keys of destroyed tenant {} shredded with its last backup", backup.tenantId());
            }
            backups.expired(backup.backupId());
            LOG.info("Backup {} of tenant {} expired", backup.backupId(), backup.tenantId());
        }
        storage.deleteAbandonedObjects();
    }
}
