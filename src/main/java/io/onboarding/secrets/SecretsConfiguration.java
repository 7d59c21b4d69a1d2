package io.onboarding.secrets;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.CamelContextHelper;
import org.springframework.vault.core.VaultTemplate;

/** Every secret goes to Vault (KV v2) when VAULT_ADDR is set, else to the local encrypted store. */
public class SecretsConfiguration implements CamelConfiguration {

    @PropertyInject("onboarding.vault.enabled")
    private boolean vault;
    @PropertyInject("onboarding.vault.address")
    private String vaultAddress;
    @PropertyInject("onboarding.vault.token")
    private String vaultToken;
    @PropertyInject("onboarding.vault.connect-timeout-ms")
    private long vaultConnectTimeoutMs;
    @PropertyInject("onboarding.vault.read-timeout-ms")
    private long vaultReadTimeoutMs;

    /** With Vault, its client is bound as {@code vaultTemplate}: the vault routes call it by name. */
    @Override
    public void configure(CamelContext camel) {
        if (vault) {
            if (vaultToken == null || vaultToken.isBlank()) {
                throw new IllegalStateException("missing setting onboarding.vault.token (VAULT_TOKEN or VAULT_TOKEN_FILE)");
            }
            camel.getRegistry().bind("vaultTemplate", VaultSecretStore.vaultTemplate(vaultAddress, vaultToken,
                    java.time.Duration.ofMillis(vaultConnectTimeoutMs), java.time.Duration.ofMillis(vaultReadTimeoutMs)));
        }
    }

    /** Checked once here, so a store we cannot use stops the service from starting. */
    @BindToRegistry("secretStore")
    public SecretStore secretStore(CamelContext camel, DataSource controlPlane,
            @PropertyInject("onboarding.vault.kv-mount") String mount,
            @PropertyInject("onboarding.data-dir") String dataDir) {
        SecretStore store = vault
                ? new VaultSecretStore(camel.createProducerTemplate(),
                        CamelContextHelper.mandatoryLookup(camel, "vaultTemplate", VaultTemplate.class), mount)
                : new LocalSecretStore(controlPlane,
                        Path.of(dataDir).toAbsolutePath().normalize().resolve("secret-store.key"));
        store.checkAccess();
        return store;
    }

    @BindToRegistry("vaultErrors")
    public VaultErrors vaultErrors() {
        return new VaultErrors();
    }
}
