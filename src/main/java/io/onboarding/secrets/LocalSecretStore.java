package io.onboarding.secrets;

import io.onboarding.kit.Json;
import io.onboarding.config.SecretFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The secret store of embedded defaults: each secret AES-256-GCM encrypted in the control-plane
 * table {@code secrets}, under a key generated once into {@code $DATA_DIR/secret-store.key} (0600).
 * The path is the GCM associated data, so a ciphertext moved to another path does not decrypt.
 */
public final class LocalSecretStore implements SecretStore {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final JdbcTemplate jdbc;
    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    public LocalSecretStore(DataSource dataSource, Path keyFile) {
        this.jdbc = new JdbcTemplate(dataSource);
        try {
            byte[] raw = Base64.getDecoder().decode(SecretFiles.readOrCreate(keyFile, () -> {
                byte[] fresh = new byte[32];
                random.nextBytes(fresh);
                return Base64.getEncoder().encodeToString(fresh);
            }));
            if (raw.length != 32) {
                throw new IllegalStateException(keyFile + " does not hold a 256-bit key");
            }
            this.key = new SecretKeySpec(raw, "AES");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read or create the secret store key " + keyFile, e);
        }
    }

    /** A secret sealed for one path: a fresh nonce and its AES-256-GCM ciphertext. */
    private record Sealed(byte[] nonce, byte[] ciphertext) {
    }

    private Sealed seal(String path, Map<String, String> data) {
        SecretStore.checkPath(path);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        return new Sealed(nonce, crypt(Cipher.ENCRYPT_MODE, nonce, path, Json.write(data).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void put(String path, Map<String, String> data) {
        Sealed sealed = seal(path, data);
        jdbc.update("INSERT INTO secrets (path, nonce, ciphertext) VALUES (?, ?, ?) ON CONFLICT (path) DO UPDATE"
                + " SET nonce = excluded.nonce, ciphertext = excluded.ciphertext, version = secrets.version + 1,"
                + " updated_at = now()", path, sealed.nonce(), sealed.ciphertext());
    }

    @Override
    public boolean putIfAbsent(String path, Map<String, String> data) {
        Sealed sealed = seal(path, data);
        return jdbc.update("INSERT INTO secrets (path, nonce, ciphertext) VALUES (?, ?, ?) ON CONFLICT (path) DO NOTHING",
                path, sealed.nonce(), sealed.ciphertext()) == 1;
    }

    @Override
    public Optional<Map<String, String>> get(String path) {
        SecretStore.checkPath(path);
        return jdbc.query("SELECT nonce, ciphertext FROM secrets WHERE path = ?", (rs, i) -> {
            byte[] plain = crypt(Cipher.DECRYPT_MODE, rs.getBytes(1), path, rs.getBytes(2));
            try {
                return Json.MAPPER.readValue(plain, StringMap.class);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("secret at " + path + " is not readable", e);
            }
        }, path).stream().<Map<String, String>>map(map -> map).findFirst();
    }

    @Override
    public void delete(String path) {
        jdbc.update("DELETE FROM secrets WHERE path = ?", SecretStore.checkPath(path));
    }

    @Override
    public void checkAccess() {
        jdbc.queryForObject("SELECT count(*) FROM secrets", Long.class);
    }

    private byte[] crypt(int mode, byte[] nonce, String path, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(path.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("secret at " + path + " cannot be " +
                    (mode == Cipher.ENCRYPT_MODE ? "encrypted" : "decrypted (wrong key?)"), e);
        }
    }

    /** For Jackson: a JSON object of strings. */
    private static final class StringMap extends java.util.LinkedHashMap<String, String> {
    }
}
