package io.onboarding.backup;

import io.onboarding.operation.StepContext;
import io.onboarding.operation.StepOutcome;
import io.onboarding.tenant.TenantDatabaseProvisioner;
import io.onboarding.tenant.schema.TenantSchemaMigrator;
import io.onboarding.tenant.schema.TenantSchemaVersions;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** The steps of the backup, restore and destroy pipelines that read or write backups. */
public final class BackupSteps {

    private final BackupDumps dumps;
    private final BackupRepository backups;
    private final TenantDatabaseProvisioner databases;

    private final TenantSchemaVersions versions;
    private final TenantSchemaMigrator migrator;

    public BackupSteps(BackupDumps dumps, BackupRepository backups, TenantDatabaseProvisioner databases,
                       TenantSchemaVersions versions, TenantSchemaMigrator migrator) {
        this.dumps = dumps;
        this.backups = backups;
        this.databases = databases;
        this.versions = versions;
        this.migrator = migrator;
    }

    /** Step {@code dump-tenant-database}. */
    public void dump(StepContext context) throws Exception {
        dumps.dump(context.tenant(), UUID.fromString(context.parameter("backup_id")), context.parameter("kind"),
                context.operationId());
    }

    /** Undo of {@code dump-tenant-database} and {@code take-final-backup}: no partial file is left behind. */
    public void discardDump(StepContext context) throws Exception {
        dumps.discard(UUID.fromString(context.parameter("backup_id")));
    }

    /** Step {@code take-final-backup} of a destroy (skipped for a tenant that never got a database). */
    public StepOutcome finalBackup(StepContext context) throws Exception {
        String previous = context.parameter("previous_status");
        if ("failed".equals(previous)) {
            return StepOutcome.skipped("the tenant failed to provision");
        }
        if ("suspended".equals(previous)) {
            // A suspended database accepts no connections, pg_dump's included; its users' logins stay off.
            databases.allowConnections(context.tenantId());
        }
        dump(context);
        return StepOutcome.done();
    }

    /** Step {@code take-safety-backup}: before a restore in place (skipped otherwise). */
    public StepOutcome safetyBackup(StepContext context) throws Exception {
        if (!context.flag("in_place")) {
            return StepOutcome.skipped("restore into a new database");
        }
        UUID backupId = UUID.nameUUIDFromBytes(("safety:" + context.operationId()).getBytes(StandardCharsets.UTF_8));
        dumps.dump(context.tenant(), backupId, "manual", context.operationId());
        return StepOutcome.done();
    }

    /** Step {@code restore-backup}: the backup decrypted into the target database. */
    public void restore(StepContext context) throws Exception {
        Backup backup = backups.find(UUID.fromString(context.parameter("backup_id"))).orElseThrow();
        dumps.restore(context.tenant(), backup, context.parameter("target_database"));
    }

    /** Undo of {@code restore-backup}: the target database dropped again. */
    public void discardRestore(StepContext context) throws Exception {
        databases.dropNamed(context.tenantId(), context.parameter("target_database"));
    }

    /** Step {@code switch-to-restored-database}: in place only (skipped otherwise). */
    public StepOutcome switchDatabase(StepContext context) throws Exception {
        if (!context.flag("in_place")) {
            return StepOutcome.skipped("restored into " + context.parameter("target_database"));
        }
        databases.replace(context.tenant(), context.parameter("target_database"));
        // The tenant's database is the backup's now, at the schema version it was taken at.
        backups.schemaVersion(UUID.fromString(context.parameter("backup_id")))
                .ifPresent(version -> versions.record(context.tenantId(), version));
        return StepOutcome.done();
    }

    /** Step {@code migrate-restored-tenant-schema}: in place only, the restored database brought to the current schema. */
    public StepOutcome migrateRestored(StepContext context) throws Exception {
        if (!context.flag("in_place")) {
            return StepOutcome.skipped("restored into " + context.parameter("target_database"));
        }
        migrator.migrate(context.tenant());
        return StepOutcome.done();
    }

    /** Undo of {@code switch-to-restored-database}. */
    public void undoSwitch(StepContext context) throws Exception {
        databases.undoReplace(context.tenant());
    }
}
