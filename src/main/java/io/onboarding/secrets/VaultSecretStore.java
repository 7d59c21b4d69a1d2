package io.onboarding.secrets;

import io.onboarding.platform.Failures;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.vault.authentication.SimpleSessionManager;
import org.springframework.vault.authentication.TokenAuthentication;
import org.springframework.vault.client.VaultEndpoint;
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

    public VaultSecretStore(ProducerTemplate template, VaultTemplate vault, String mount) {
        this.template = template;
        this.vault = vault;
        this.mount = mount;
    }

    /**
     * The Vault client, with time-outs: Spring Vault's default request factory has none, so a Vault
     * that accepts a connection and never answers would hold the calling thread (an operation
     * worker) for ever. A time-out is a connection error to the vault routes: retried, then failed.
     */
    public static VaultTemplate vaultTemplate(String address, String token, Duration connectTimeout,
                                              Duration readTimeout) {
        SimpleClientHttpRequestFactory http = new SimpleClientHttpRequestFactory();
        http.setConnectTimeout(connectTimeout);
        http.setReadTimeout(readTimeout);
        return new VaultTemplate(VaultEndpoint.from(URI.create(address)), http,
                new SimpleSessionManager(new TokenAuthentication(token)));
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
            throw new IllegalStateException("Vault at VAULT_ADDR rejected VAULT_TOKEN or cannot be reached: "
                    + Failures.innermost(e), e);
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
