package io.onboarding.secrets;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.vault.core.VaultTemplate;

/** Every secret goes to Vault (KV v2) when VAULT_ADDR is set, else to the local encrypted store. */
public class SecretsConfiguration implements CamelConfiguration {

    @PropertyInject("onboarding.vault.enabled")
    private boolean vault;
    @PropertyInject("onboarding.vault.address")
    private String vaultAddress;
    @PropertyInject("onboarding.vault.token")
    private String vaultToken;
    @PropertyInject("onboarding.vault.approle.role-id")
    private String vaultRoleId;
    @PropertyInject("onboarding.vault.approle.secret")
    private String vaultSecretId;
    @PropertyInject("onboarding.vault.namespace")
    private String vaultNamespace;
    @PropertyInject("onboarding.vault.cacert")
    private String vaultCaCert;
    @PropertyInject("onboarding.vault.renewal-fraction")
    private double vaultRenewalFraction;
    @PropertyInject("onboarding.vault.connect-timeout-ms")
    private long vaultConnectTimeoutMs;
    @PropertyInject("onboarding.vault.read-timeout-ms")
    private long vaultReadTimeoutMs;

    /**
     * With Vault, its client is bound as {@code vaultTemplate} (the vault routes call it by name), and
     * the session of an AppRole login stops with Camel.
     */
    @Override
    public void configure(CamelContext camel) throws Exception {
        if (vault) {
            VaultAccess access = new VaultAccess(vaultAddress, vaultToken, vaultRoleId, vaultSecretId, vaultNamespace,
                    vaultCaCert, vaultRenewalFraction, java.time.Duration.ofMillis(vaultConnectTimeoutMs),
                    java.time.Duration.ofMillis(vaultReadTimeoutMs));
            VaultAccess.Client client = access.connect();
            camel.getRegistry().bind("vaultAccess", access);
            camel.getRegistry().bind("vaultTemplate", client.template());
            if (client.session().isPresent()) {
                AutoCloseable session = client.session().get();
                camel.addService(new ServiceSupport() {
                    @Override
                    protected void doStop() throws Exception {
                        session.close();
                    }
                });
            }
        }
    }

    /** Checked once here, so a store we cannot use stops the service from starting. */
    @BindToRegistry("secretStore")
    public SecretStore secretStore(CamelContext camel, DataSource controlPlane,
            @PropertyInject("onboarding.vault.kv-mount") String mount,
            @PropertyInject("onboarding.data-dir") String dataDir) {
        SecretStore store = vault
                ? new VaultSecretStore(camel.createProducerTemplate(),
                        CamelContextHelper.mandatoryLookup(camel, "vaultTemplate", VaultTemplate.class), mount,
                        CamelContextHelper.mandatoryLookup(camel, "vaultAccess", VaultAccess.class))
                : new LocalSecretStore(controlPlane,
                        Path.of(dataDir).toAbsolutePath().normalize().resolve("secret-store.key"));
        store.checkAccess();
        return store;
    }


}
