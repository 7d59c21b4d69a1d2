package io.onboarding.tenant;

/** A tenant's backup policy as the API carries it (snake_case in JSON). */
public record BackupPolicy(String schedule, int retentionDays, String backupType, String encryptionLevel,
                           String storageLocation) {
}
