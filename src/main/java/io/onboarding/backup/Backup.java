package io.onboarding.backup;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A backup as the control plane records it; {@code tenantDataKey}: encrypted with the tenant's data key;
 * {@code storageClass}: of an object in the offsite store, as the store reported it after the upload
 * (null on disk).
 */
public record Backup(UUID backupId, UUID tenantId, String kind, String status, String databaseName,
                     String storageLocation, String location, Long sizeBytes, String checksumSha256,
                     boolean encrypted, String encryptionLevel, String error, OffsetDateTime startedAt,
                     OffsetDateTime completedAt, boolean tenantDataKey, String storageClass) {
}
