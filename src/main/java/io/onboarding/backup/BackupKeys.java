package io.onboarding.backup;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import io.onboarding.secrets.SecretStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/**
 * The keys backups are encrypted with (Tink streaming AEAD, AES-256-GCM-HKDF in 1 MB segments, so a
 * dump of any size streams through). Every tenant has keys of its own, so deleting them makes its
 * backups unreadable (crypto-shredding):
 * <ul>
 * <li>{@code standard}: a data key at {@code platform/backup-data-keys/{tenant_id}}, stored wrapped
 * (encrypted) by the platform key {@code platform/backup-wrapping-key}; shredded when the tenant's
 * last backup is deleted, after its final backup's retention.</li>
 * <li>{@code high}: a key at {@code platform/backup-keys/{tenant_id}}, shredded as soon as the
 * tenant is destroyed, so even its final backup is unreadable from then on.</li>
 * </ul>
 * Standard backups written before data keys existed still decrypt with the shared
 * {@code platform/backup-key}. Keys live only in the secret store.
 */
public final class BackupKeys {

    private static final String LEGACY_PLATFORM_KEY = "platform/backup-key";
    private static final String WRAPPING_KEY = "platform/backup-wrapping-key";

    private final SecretStore secrets;

    public BackupKeys(SecretStore secrets) {
        this.secrets = secrets;
        try {
            StreamingAeadConfig.register();
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink AEAD is not available", e);
        }
    }

    /** Whether a new backup at this level is encrypted with the tenant's wrapped data key. */
    public static boolean usesDataKey(String encryptionLevel) {
        return !"high".equals(encryptionLevel);
    }

    /** The key to encrypt a new backup with, created on first use. */
    public StreamingAead forEncryption(UUID tenantId, String encryptionLevel) {
        if (!usesDataKey(encryptionLevel)) {
            return streaming(plainKeyset(highKeyPath(tenantId), PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB,
                    true));
        }
        String path = dataKeyPath(tenantId);
        if (secrets.get(path).isEmpty()) {
            try {
                KeysetHandle fresh = KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB);
                byte[] wrapped = TinkProtoKeysetFormat.serializeEncryptedKeyset(fresh, wrappingKey(true),
                        wrappingContext(tenantId));
                // Two first backups at once: only one write wins, both then use what is stored.
                secrets.putIfAbsent(path, Map.of("wrapped_keyset", Base64.getEncoder().encodeToString(wrapped)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot create a backup data key", e);
            }
        }
        return dataKey(tenantId);
    }

    /** The key a backup was encrypted with; a shredded key is a clear failure. */
    public StreamingAead forDecryption(Backup backup) {
        if (backup.tenantDataKey()) {
            return dataKey(backup.tenantId());
        }
        String path = "high".equals(backup.encryptionLevel()) ? highKeyPath(backup.tenantId()) : LEGACY_PLATFORM_KEY;
        return streaming(plainKeyset(path, null, false));
    }

    /** At destroy: the key of {@code high} backups goes at once. */
    public void destroyTenantKey(UUID tenantId) {
        secrets.delete(highKeyPath(tenantId));
    }

    /** When a destroyed tenant's last backup is deleted: every key of the tenant, every version. */
    public void shred(UUID tenantId) {
        secrets.delete(dataKeyPath(tenantId));
        secrets.delete(highKeyPath(tenantId));
    }

    private StreamingAead dataKey(UUID tenantId) {
        String path = dataKeyPath(tenantId);
        String wrapped = secrets.get(path).map(secret -> secret.get("wrapped_keyset")).orElseThrow(() -> gone(path));
        try {
            return TinkProtoKeysetFormat.parseEncryptedKeyset(Base64.getDecoder().decode(wrapped), wrappingKey(false),
                    wrappingContext(tenantId)).getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("the backup key at " + path + " is not readable", e);
        }
    }

    private Aead wrappingKey(boolean create) {
        try {
            return plainKeyset(WRAPPING_KEY, create ? PredefinedAeadParameters.AES256_GCM : null, create)
                    .getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the backup wrapping key is not readable", e);
        }
    }

    /** A keyset stored as Tink JSON at the path, made first if {@code create} and it is missing. */
    private KeysetHandle plainKeyset(String path, Parameters parameters, boolean create) {
        try {
            if (create && secrets.get(path).isEmpty()) {
                secrets.putIfAbsent(path, Map.of("keyset", TinkJsonProtoKeysetFormat.serializeKeyset(
                        KeysetHandle.generateNew(parameters), InsecureSecretKeyAccess.get())));
            }
            String keyset = secrets.get(path).map(secret -> secret.get("keyset")).orElseThrow(() -> gone(path));
            return TinkJsonProtoKeysetFormat.parseKeyset(keyset, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the backup key at " + path + " is not readable", e);
        }
    }

    private static StreamingAead streaming(KeysetHandle keyset) {
        try {
            return keyset.getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a backup key is not a streaming key", e);
        }
    }

    private static IllegalStateException gone(String path) {
        return new IllegalStateException("the backup key at " + path + " no longer exists: the backup cannot be read");
    }

    /** A wrapped data key only unwraps as the key of the tenant it was made for. */
    private static byte[] wrappingContext(UUID tenantId) {
        return ("tenant-onboarding backup data key " + tenantId).getBytes(StandardCharsets.UTF_8);
    }

    private static String dataKeyPath(UUID tenantId) {
        return "platform/backup-data-keys/" + tenantId;
    }

    private static String highKeyPath(UUID tenantId) {
        return "platform/backup-keys/" + tenantId;
    }
}
