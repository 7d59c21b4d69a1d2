package io.onboarding.tenant;

import io.onboarding.tenant.BackupPolicy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.onboarding.kit.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * A validated request to create a tenant, with every default already applied. {@code authProviders}
 * (optional, normalised, client secrets included) goes to the secret store at admission, nowhere else.
 * {@code cluster} is the cluster the caller asked for (null: placement chooses).
 */
public record TenantRequest(UUID tenantId, String tenantName, String plan, String region,
                            String monitoringLevel, BackupPolicy backupPolicy, String adminEmail,
                            ObjectNode authProviders, String cluster) {

    /**
     * Identifies the request's content: a repeat with the same tenant_id must carry the same one. A
     * SHA-256 over everything, auth_providers too (so secrets are only in it as part of a hash).
     */
    public String fingerprint() {
        String canonical = String.join("\u0000", tenantId.toString(), tenantName, plan, region, monitoringLevel,
                backupPolicy.schedule(), Integer.toString(backupPolicy.retentionDays()), backupPolicy.backupType(),
                backupPolicy.encryptionLevel(), backupPolicy.storageLocation(), adminEmail == null ? "" : adminEmail);
        if (authProviders != null) {
            canonical += "\u0000" + Json.write(authProviders);
        }
        if (cluster != null) {
            canonical += "\u0000cluster=" + cluster;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Never the providers' settings: they hold client secrets. */
    @Override
    public String toString() {
        return "TenantRequest[tenantId=" + tenantId + ", tenantName=" + tenantName + ", plan=" + plan + ", region="
                + region + (cluster == null ? "" : ", cluster=" + cluster) + ", authProviders=" + (authProviders == null ? "none" : "(redacted)") + "]";
    }
}
