package io.onboarding.backup;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import io.onboarding.secrets.SecretStore;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.UUID;

/**
 * The keys backups are encrypted with (Tink streaming AEAD, AES-256-GCM-HKDF in 1 MB segments, so a
 * dump of any size streams through): encryption level {@code standard} uses the platform key at
 * {@code platform/backup-key}; {@code high} a key of the tenant's own at
 * {@code platform/backup-keys/{tenant_id}}, deleted when the tenant is destroyed, after which its
 * backups can never be read again (crypto-shredding). Keys live only in the secret store.
 */
public final class BackupKeys {

    private final SecretStore secrets;

    public BackupKeys(SecretStore secrets) {
        this.secrets = secrets;
        try {
            StreamingAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink streaming AEAD is not available", e);
        }
    }

    /** The key to encrypt a new backup with, created on first use. */
    public StreamingAead forEncryption(UUID tenantId, String encryptionLevel) {
        String path = path(tenantId, encryptionLevel);
        if (secrets.get(path).isEmpty()) {
            try {
                KeysetHandle fresh = KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB);
                // Two first backups at once must not each write a key: only one write can win, and
                // both then encrypt with what is stored.
                secrets.putIfAbsent(path, Map.of("keyset", TinkJsonProtoKeysetFormat.serializeKeyset(fresh,
                        InsecureSecretKeyAccess.get())));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot create a backup key", e);
            }
        }
        return forDecryption(tenantId, encryptionLevel);
    }

    /** The key a backup was encrypted with; gone (crypto-shredded) keys are a clear failure. */
    public StreamingAead forDecryption(UUID tenantId, String encryptionLevel) {
        String path = path(tenantId, encryptionLevel);
        String keyset = secrets.get(path).map(secret -> secret.get("keyset")).orElseThrow(() ->
                new IllegalStateException("the backup key at " + path + " no longer exists: the backup cannot be read"));
        try {
            return TinkJsonProtoKeysetFormat.parseKeyset(keyset, InsecureSecretKeyAccess.get())
                    .getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the backup key at " + path + " is not readable", e);
        }
    }

    /** Crypto-shredding: the tenant's own key goes, and with it every high-level backup. */
    public void destroyTenantKey(UUID tenantId) {
        secrets.delete(path(tenantId, "high"));
    }

    private static String path(UUID tenantId, String encryptionLevel) {
        return "high".equals(encryptionLevel) ? "platform/backup-keys/" + tenantId : "platform/backup-key";
    }
}
