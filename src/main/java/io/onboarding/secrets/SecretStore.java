package io.onboarding.secrets;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where every credential lives: HashiCorp Vault (KV v2) when VAULT_ADDR is set, else the local
 * encrypted store. Both use the contract's paths ({@code tenant-roles/{tenant_id}/{role}},
 * {@code tenant-users/{tenant_id}/{database_user}}, {@code tenant-auth/{tenant_id}}, {@code platform/...}).
 */
public interface SecretStore {

    Pattern PATH = Pattern.compile("[A-Za-z0-9_.@-]+(/[A-Za-z0-9_.@-]+)*");

    void put(String path, Map<String, String> data);

    Optional<Map<String, String>> get(String path);

    /** Writes the secret only if the path holds none; false if it did (the existing one is kept). */
    boolean putIfAbsent(String path, Map<String, String> data);

    /** Removes the secret with every version it has; a missing secret is not an error. */
    void delete(String path);

    /** Fails with a clear message if the store cannot be used (checked at start-up). */
    void checkAccess();

    static String checkPath(String path) {
        if (path == null || !PATH.matcher(path).matches() || path.contains("..")) {
            throw new IllegalArgumentException("invalid secret path: " + path);
        }
        return path;
    }
}
