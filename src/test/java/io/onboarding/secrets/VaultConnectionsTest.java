package io.onboarding.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.onboarding.support.FakeVault;
import io.onboarding.support.LogCapture;
import io.onboarding.support.RunningService;
import io.onboarding.support.SecretsSeen;
import io.onboarding.support.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vault reached the hardened ways: an AppRole login in a namespace (every request carries it), its
 * token renewed before its TTL ends or replaced by a new login, and HTTPS trusting VAULT_CACERT.
 */
class VaultConnectionsTest {

    private static final String ROOT_TOKEN = "hvs.connections-root-0123456789";
    private static final String ROLE_ID = "onboarding-role";
    private static final String SECRET_ID = "approle-secret-id-0123456789";

    @TempDir
    Path certificates;

    private static Map<String, String> appRole(FakeVault vault) {
        SecretsSeen.record(SECRET_ID);
        Map<String, String> settings = new HashMap<>(Map.of("onboarding.vault.address", vault.address(),
                "onboarding.vault.approle.role-id", ROLE_ID, "onboarding.vault.kv-mount", "kv",
                "onboarding.vault.retry-delay-ms", "50"));
        settings.put("onboarding.vault.approle.secret", SECRET_ID);
        return settings;
    }

    private static void provisionsWithItsSecretsInVault(RunningService service, FakeVault vault) {
        UUID tenantId = service.activeTenant("standard", null);
        assertThat(vault.latest("tenant-roles/" + tenantId + "/tenant_admin")).containsEntry("role", "tenant_admin")
                .containsEntry("sslmode", "prefer"); // the test cluster has no PGSSLMODE: libpq's default
    }

    @Test
    void anAppRoleLoginInANamespaceWritesTheSecretsThereAndItsTokenIsRenewedPastItsTtlOrReplacedWhenRefused() throws Exception {
        // Renewed every 3 s, 7 s before the token would expire: a renewal held up on a busy machine is still in time.
        Duration ttl = Duration.ofSeconds(10);
        try (FakeVault vault = new FakeVault(ROOT_TOKEN, "kv").appRole(ROLE_ID, SECRET_ID, ttl, true)
                .requireNamespace("team-a")) {
            Map<String, String> settings = appRole(vault);
            settings.put("onboarding.vault.namespace", "team-a");
            settings.put("onboarding.vault.renewal-fraction", "0.3");
            try (RunningService service = RunningService.start("platform_vault_approle", settings)) {
                long loggedIn = System.nanoTime();
                assertThat(vault.logins()).isEqualTo(1);
                provisionsWithItsSecretsInVault(service, vault);

                // Renewals at 30 % of the TTL each, until past the TTL the login gave. Counted from the end of
                // the start, after the login: the renewals it took depend on how long the start went on after it.
                await().atMost(Duration.ofSeconds(60)).until(() -> vault.renewals() >= 3
                        && Duration.ofNanos(System.nanoTime() - loggedIn).compareTo(ttl) > 0);
                provisionsWithItsSecretsInVault(service, vault);
                assertThat(vault.namespacesSeen()).containsExactly("team-a");
                assertThat(vault.logins()).as("renewed, not replaced").isEqualTo(1);

                // A renewal Vault refuses: the next one fails with 403, and a new login takes over.
                vault.revokeIssuedTokens();
                await().atMost(Duration.ofSeconds(60)).until(() -> vault.logins() >= 2);
                provisionsWithItsSecretsInVault(service, vault);
            }
        }
        assertThat(LogCapture.text()).doesNotContain(SECRET_ID);
    }

    @Test
    void aTokenThatCannotBeRenewedIsReplacedByANewLoginBeforeItExpires() throws Exception {
        // A new login every 3 s, 7 s before the token would expire.
        try (FakeVault vault = new FakeVault(ROOT_TOKEN, "kv").appRole(ROLE_ID, SECRET_ID, Duration.ofSeconds(10), false)) {
            Map<String, String> settings = appRole(vault);
            settings.put("onboarding.vault.renewal-fraction", "0.3");
            try (RunningService service = RunningService.start("platform_vault_relogin", settings)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> vault.logins() >= 3);
                provisionsWithItsSecretsInVault(service, vault);
                assertThat(vault.renewals()).isZero();
            }
        }
    }

    @Test
    void aWrongSecretIdStopsTheStartNamingTheAppRole() throws Exception {
        try (FakeVault vault = new FakeVault(ROOT_TOKEN, "kv").appRole(ROLE_ID, "another-secret-id", Duration.ofMinutes(5), true)) {
            assertThatThrownBy(() -> RunningService.start("platform_vault_approle", appRole(vault)).close())
                    .hasStackTraceContaining("Vault at VAULT_ADDR rejected the AppRole login of VAULT_ROLE_ID")
                    .hasStackTraceContaining("invalid role or secret ID");
        }
    }

    @Test
    void overHttpsVaultCaCertIsTrustedAndWithoutItTheStartFailsSayingSo() throws Exception {
        TestCertificates tls = TestCertificates.create(certificates);
        try (FakeVault vault = new FakeVault(ROOT_TOKEN, "kv", tls.serverContext())) {
            assertThat(vault.address()).startsWith("https://");
            Map<String, String> settings = new HashMap<>(Map.of("onboarding.vault.address", vault.address(),
                    "onboarding.vault.token", ROOT_TOKEN, "onboarding.vault.kv-mount", "kv"));

            assertThatThrownBy(() -> RunningService.start("platform_vault_https", settings).close())
                    .hasStackTraceContaining("Vault at VAULT_ADDR rejected VAULT_TOKEN or cannot be reached")
                    .hasStackTraceContaining("set VAULT_CACERT");
            int refused = vault.requests();

            settings.put("onboarding.vault.cacert", tls.caCert().toString());
            try (RunningService service = RunningService.start("platform_vault_https", settings)) {
                provisionsWithItsSecretsInVault(service, vault);
                assertThat(vault.requests()).isGreaterThan(refused);
            }
        }
    }

    @Test
    void aVaultCaCertThatCannotBeReadIsNamed() {
        Map<String, String> settings = Map.of("onboarding.vault.address", "https://localhost:8200",
                "onboarding.vault.token", ROOT_TOKEN, "onboarding.vault.cacert", certificates.resolve("none.pem").toString());
        assertThatThrownBy(() -> RunningService.start("platform_vault_https", settings).close())
                .hasStackTraceContaining("VAULT_CACERT names " + certificates.resolve("none.pem"));
        assertThat(Files.exists(certificates.resolve("none.pem"))).isFalse();
    }
}
