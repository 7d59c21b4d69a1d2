package io.onboarding.tenant;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A tenant as the control plane keeps it; {@code cluster} names the PostgreSQL cluster its database is on. */
public record TenantRecord(UUID tenantId, String tenantName, String plan, String region, String monitoringLevel,
                           BackupPolicy backupPolicy, String adminEmail, String status, String requestFingerprint,
                           String databaseName, String databaseHost, Integer databasePort, int connectionLimit,
                           String encoding, List<String> warnings, OffsetDateTime suspendedAt,
                           String suspensionReason, OffsetDateTime createdAt, OffsetDateTime updatedAt,
                           String collation, String collationProvider, String cloudResourceId,
                           OffsetDateTime destroyedAt, UUID finalBackupId, String cluster) {

    /** The same tenant as it would be on another cluster (a move's target). */
    public TenantRecord onCluster(String otherCluster) {
        return new TenantRecord(tenantId, tenantName, plan, region, monitoringLevel, backupPolicy, adminEmail, status,
                requestFingerprint, databaseName, databaseHost, databasePort, connectionLimit, encoding, warnings,
                suspendedAt, suspensionReason, createdAt, updatedAt, collation, collationProvider, cloudResourceId,
                destroyedAt, finalBackupId, otherCluster);
    }
}
