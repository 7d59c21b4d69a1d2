package io.onboarding.secrets;

import io.onboarding.kit.Failures;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.vault.core.VaultTemplate;
import org.springframework.vault.support.VaultResponse;

/**
 * Secrets in HashiCorp Vault's KV v2 engine, through the camel-hashicorp-vault routes of
 * {@code routes/secrets.yaml} (which retry 5xx and connection errors). Deleting removes the
 * secret's metadata and with it every version: the component's own delete only soft-deletes the
 * latest version.
 */
public final class VaultSecretStore implements SecretStore {

    public static final String PATH_HEADER = "CamelHashicorpVaultSecretPath";

    private final ProducerTemplate template;
    private final VaultTemplate vault;
    private final String mount;
    private final VaultAccess access;

    public VaultSecretStore(ProducerTemplate template, VaultTemplate vault, String mount, VaultAccess access) {
        this.template = template;
        this.vault = vault;
        this.mount = mount;
        this.access = access;
    }

    /** A client with a fixed token over plain HTTP (or the JVM's trust store). */
    public static VaultTemplate vaultTemplate(String address, String token) {
        return VaultAccess.withToken(address, token).connect().template();
    }

    @Override
    public void put(String path, Map<String, String> data) {
        call("direct:vault-put-secret", SecretStore.checkPath(path), new LinkedHashMap<>(data));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Optional<Map<String, String>> get(String path) {
        Object body = call("direct:vault-get-secret", SecretStore.checkPath(path), null);
        if (!(body instanceof Map<?, ?> response) || !(response.get("data") instanceof Map<?, ?> data)) {
            return Optional.empty(); // absent, or its latest version deleted
        }
        Map<String, String> secret = new LinkedHashMap<>();
        ((Map<String, Object>) data).forEach((key, value) -> secret.put(key, value == null ? null : value.toString()));
        return Optional.of(secret);
    }

    /** KV v2 check-and-set with cas=0: Vault writes only if the secret does not exist yet. */
    @Override
    public boolean putIfAbsent(String path, Map<String, String> data) {
        try {
            vault.write(mount + "/data/" + SecretStore.checkPath(path), Map.of("options", Map.of("cas", 0), "data", data));
            return true;
        } catch (org.springframework.vault.VaultException e) {
            if (e.getMessage() != null && e.getMessage().contains("check-and-set")) {
                return false;
            }
            throw new SecretStoreUnavailable("Vault failed on " + path + ": " + Failures.innermost(e), e);
        } catch (RuntimeException e) {
            throw new SecretStoreUnavailable("Vault failed on " + path + ": " + Failures.innermost(e), e);
        }
    }

    @Override
    public void delete(String path) {
        call("direct:vault-delete-secret", SecretStore.checkPath(path), null);
    }

    /** Used by the delete route: DELETE /v1/{mount}/metadata/{path} removes every version. */
    public void deleteAllVersions(Exchange exchange) {
        vault.delete(mount + "/metadata/" + exchange.getMessage().getHeader(PATH_HEADER, String.class));
    }

    @Override
    public void checkAccess() {
        VaultResponse self;
        try {
            self = vault.read("auth/token/lookup-self");
        } catch (RuntimeException e) {
            String hint = Failures.causedBy(e, javax.net.ssl.SSLException.class)
                    ? " (HTTPS: set VAULT_CACERT to the PEM file of the CA that signed Vault's certificate)" : "";
            throw new IllegalStateException("Vault at VAULT_ADDR rejected " + access.credentials()
                    + " or cannot be reached (" + access.address() + "): " + Failures.innermost(e) + hint, e);
        }
        if (self == null) {
            throw new IllegalStateException("Vault at VAULT_ADDR did not answer auth/token/lookup-self");
        }
    }

    private Object call(String route, String path, Object body) {
        try {
            return template.requestBodyAndHeader(route, body, PATH_HEADER, path);
        } catch (CamelExecutionException e) {
            throw new SecretStoreUnavailable("Vault failed on " + path + ": " + Failures.innermost(e), e);
        }
    }
}
