package io.onboarding.tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/** A validated request to create a tenant, with every default already applied. */
public record TenantRequest(UUID tenantId, String tenantName, String plan, String region,
                            String monitoringLevel, BackupPolicy backupPolicy, String adminEmail) {

    /** Identifies the request's content: a repeat with the same tenant_id must carry the same one. */
    public String fingerprint() {
        String canonical = String.join("\u0000", tenantId.toString(), tenantName, plan, region, monitoringLevel,
                backupPolicy.schedule(), Integer.toString(backupPolicy.retentionDays()), backupPolicy.backupType(),
                backupPolicy.encryptionLevel(), backupPolicy.storageLocation(), adminEmail == null ? "" : adminEmail);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
