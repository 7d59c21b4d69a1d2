package io.onboarding.secrets;

import io.onboarding.kit.TransientFailures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onboarding.support.QuickTest;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.vault.VaultException;
import org.springframework.vault.core.VaultTemplate;

/**
 * The Vault retry policy of routes/secrets.yaml (route configuration "vault" with VaultErrors):
 * the hashicorp-vault endpoints are replaced (AdviceWith) by a stand-in that fails as Vault does,
 * and VaultSecretStore is called as the service calls it.
 */
@QuickTest
class VaultRetryRouteTest extends CamelMainTestSupport {

    private final AtomicInteger calls = new AtomicInteger();
    /** How many calls fail before the stand-in answers, and with what. */
    private volatile int failures;
    private volatile RuntimeException failure;
    private VaultSecretStore store;

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern("file:routes/secrets.yaml");
    }

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties properties = new Properties();
        properties.setProperty("onboarding.vault.enabled", "true");
        properties.setProperty("onboarding.vault.kv-mount", "secret");
        properties.setProperty("onboarding.vault.retries", "4"); // as config/application.properties
        properties.setProperty("onboarding.vault.retry-delay-ms", "5");
        return properties;
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("transientFailures", new TransientFailures());
        // Never called: the endpoints using it are replaced before the routes start (the delete route's
        // own VaultTemplate call is not under this policy and not tested here).
        VaultTemplate unused = VaultSecretStore.vaultTemplate("http://127.0.0.1:9", "unused");
        registry.bind("vaultTemplate", unused);
        store = new VaultSecretStore(context.createProducerTemplate(), unused, "secret",
                VaultAccess.withToken("http://127.0.0.1:9", "unused"));
        registry.bind("secretStore", store);
    }

    @BeforeEach
    void replaceVault() throws Exception {
        for (String route : new String[] {"vault-put-secret", "vault-get-secret"}) {
            AdviceWith.adviceWith(context, route, advice -> advice.weaveByToUri("hashicorp-vault:*").replace()
                    .process(this::vault));
        }
        context.start();
    }

    /** The stand-in: fails the first {@code failures} calls, then answers as KV v2 does. */
    private void vault(Exchange exchange) {
        if (calls.incrementAndGet() <= failures) {
            throw failure;
        }
        exchange.getMessage().setBody(Map.of("data", Map.of("password", "s3cret")));
    }

    @Test
    void a503IsRetriedAndTheCallSucceeds() {
        failures = 2;
        failure = new VaultException("Status 503 Service Unavailable [secret/data/tenant-roles/x]: Vault is sealed");

        assertThat(store.get("tenant-roles/x")).contains(Map.of("password", "s3cret"));
        assertThat(calls).hasValue(3);
    }

    @Test
    void aLostConnectionIsRetriedToo() {
        failures = 2;
        failure = new org.springframework.web.client.ResourceAccessException("I/O error: Connection refused");

        store.put("tenant-roles/x", Map.of("password", "s3cret"));

        assertThat(calls).hasValue(3);
    }

    @Test
    void a503ThatPersistsGivesUpAfterTheRetries() {
        failures = Integer.MAX_VALUE;
        failure = new VaultException("Status 503 Service Unavailable [secret/data/tenant-roles/x]: Vault is sealed");

        assertThatThrownBy(() -> store.put("tenant-roles/x", Map.of("password", "s3cret")))
                .isInstanceOf(SecretStoreUnavailable.class).hasMessageContaining("Vault is sealed");
        assertThat(calls).hasValue(1 + 4);
    }

    @Test
    void a4xxIsNotRetried() {
        failures = Integer.MAX_VALUE;
        failure = new VaultException("Status 403 Forbidden [secret/data/tenant-roles/x]: permission denied");

        assertThatThrownBy(() -> store.get("tenant-roles/x")).isInstanceOf(SecretStoreUnavailable.class)
                .hasMessageContaining("permission denied");
        assertThat(calls).hasValue(1);
    }
}
