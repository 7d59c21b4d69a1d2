package io.onboarding.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.FakeVault;
import io.onboarding.support.LogCapture;
import io.onboarding.support.Mailbox;
import io.onboarding.support.RunningService;
import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantRole;
import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The same user flows with every secret in Vault (an in-test server speaking the KV v2 API). */
class VaultUserFlowsTest {

    private static final String VAULT_TOKEN = "hvs.test-root-token-0123456789";
    private static FakeVault vault;
    private static Mailbox mailbox;
    private static RunningService service;
    private static ApiClient api;
    private static Catalog catalog;

    @BeforeAll
    static void start() throws Exception {
        vault = new FakeVault(VAULT_TOKEN, "kv");
        mailbox = new Mailbox();
        Map<String, String> settings = new HashMap<>(mailbox.settings());
        settings.putAll(vaultSettings(VAULT_TOKEN));
        service = RunningService.start("platform_vault_test", settings);
        io.onboarding.support.SecretsSeen.record(VAULT_TOKEN);
        api = service.api();
        catalog = service.catalog();
    }

    private static Map<String, String> vaultSettings(String token) {
        return Map.of("onboarding.vault.address", vault.address(), "onboarding.vault.token", token,
                "onboarding.vault.kv-mount", "kv", "onboarding.vault.retry-delay-ms", "50",
                "onboarding.mail.poll-interval-ms", "500");
    }

    @AfterAll
    static void stop() {
        service.close();
        mailbox.close();
        vault.close();
        assertThat(LogCapture.text()).doesNotContain(VAULT_TOKEN);
    }

    private static String email(String who) {
        return who + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
    }

    @Test
    void provisioningInvitationRotationAndRemovalKeepEveryCredentialInVault() throws Exception {
        UUID tenantId = service.activeTenant("standard", null);
        for (TenantRole role : TenantRole.values()) {
            Map<String, Object> secret = vault.latest("tenant-roles/" + tenantId + "/" + role.apiName());
            assertThat(secret).as(role.apiName()).isNotNull().containsEntry("login", "false")
                    // the design's fields
                    .containsEntry("tenant_id", tenantId.toString()).containsEntry("role", role.apiName())
                    .containsEntry("database", TenantNaming.databaseName(tenantId))
                    .containsKeys("description", "created_at");
        }

        String email = email("vaulted");
        ApiClient.Response invited = api.post("/api/v1/tenants/" + tenantId + "/users",
                "{\"email\":\"" + email + "\",\"role\":\"developer\"}");
        assertThat(invited.status()).isEqualTo(201);
        String userId = invited.body().get("user_id").asText();
        String login = invited.body().get("database_user").asText();
        String path = "tenant-users/" + tenantId + "/" + login;
        // The design's fields.
        assertThat(vault.latest(path)).containsEntry("database_user", login).containsKey("database_password")
                .containsEntry("tenant_id", tenantId.toString()).containsEntry("email", email)
                .containsEntry("role", "developer").containsKey("created_at");
        assertThat(catalog.platform("SELECT count(*) FROM secrets")).as("nothing in the local store")
                .containsExactly("0");

        String link = mailbox.awaitLink(email).replace("http://onboarding.test", "http://localhost:" + service.port());
        JsonNode credentials = api.postUrl(link + "/accept").body();
        io.onboarding.support.SecretsSeen.record(credentials.get("password").asText());
        assertThat(credentials.get("password").asText()).isEqualTo(vault.latest(path).get("database_password"));
        catalog.login(credentials.get("database").get("name").asText(), login,
                credentials.get("password").asText()).close();

        assertThat(api.post("/api/v1/tenants/" + tenantId + "/users/" + userId + "/rotate-credentials", "")
                .status()).isEqualTo(200);
        assertThat(vault.versions(path)).hasSize(2);
        assertThatThrownBy(() -> catalog.login(credentials.get("database").get("name").asText(), login,
                credentials.get("password").asText()).close()).hasMessageContaining("password authentication failed");
        try (Connection connection = catalog.login(credentials.get("database").get("name").asText(), login,
                (String) vault.latest(path).get("database_password"))) {
            assertThat(connection.isValid(2)).isTrue();
        }

        assertThat(api.delete("/api/v1/tenants/" + tenantId + "/users/" + userId).status()).isEqualTo(204);
        assertThat(vault.versions(path)).as("every version deleted, not only the latest").isEmpty();
        assertThat(catalog.roleExists(login)).isFalse();
    }

    @Test
    void transientVaultErrorsAreRetriedAndAnOutageLeavesNothingBehind() {
        UUID tenantId = service.activeTenant("free", null);
        String logins = "SELECT count(*) FROM pg_roles WHERE rolname LIKE ?";
        String pattern = "tenant\\_" + tenantId.toString().replace("-", "") + "\\_u\\_%";

        vault.failNext(2);
        ApiClient.Response retried = api.post("/api/v1/tenants/" + tenantId + "/users",
                "{\"email\":\"" + email("retry") + "\",\"role\":\"auditor\"}");
        assertThat(retried.status()).as("two 503s are retried").isEqualTo(201);
        assertThat(catalog.value("postgres", logins, pattern)).isEqualTo("1");

        vault.down();
        try {
            String email = email("outage");
            ApiClient.Response failed = api.post("/api/v1/tenants/" + tenantId + "/users",
                    "{\"email\":\"" + email + "\",\"role\":\"developer\"}");
            assertThat(failed.status()).isEqualTo(503);
            assertThat(failed.body().get("error").get("code").asText()).isEqualTo("secret_store_unavailable");
            assertThat(catalog.value("postgres", logins, pattern)).as("the login role was dropped again").isEqualTo("1");
            assertThat(catalog.platform("SELECT count(*) FROM tenant_users WHERE email = ?", email))
                    .containsExactly("0");
        } finally {
            vault.up();
        }
        assertThat(api.get("/api/v1/tenants/" + tenantId + "/users").body().get("items")).hasSize(1);
    }

    @Test
    void provisioningDuringAVaultOutageIsCompensatedOnceVaultIsBack() {
        UUID tenantId = UUID.randomUUID();
        vault.down();
        String operationId;
        try {
            ApiClient.Response accepted = api.post("/api/v1/tenants", """
                    {"tenant_id":"%s","tenant_name":"Outage %s","plan":"free","region":"local"}"""
                    .formatted(tenantId, tenantId.toString().substring(0, 8)));
            assertThat(accepted.status()).isEqualTo(202);
            operationId = accepted.body().get("operation_id").asText();
            // The secrets step fails; undoing it needs Vault too, so the operation waits, still running.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> catalog.platform(
                    "SELECT status FROM operation_steps WHERE operation_id = ?::uuid AND name = 'store-tenant-role-secrets'",
                    operationId).equals(java.util.List.of("failed")));
            assertThat(api.get("/api/v1/operations/" + operationId).body().get("status").asText()).isEqualTo("running");
        } finally {
            vault.up();
        }
        JsonNode operation = service.awaitOperation(operationId);
        assertThat(operation.get("status").asText()).isEqualTo("failed");
        assertThat(operation.get("compensated").asBoolean()).isTrue();
        assertThat(catalog.databaseExists(io.onboarding.tenant.TenantNaming.databaseName(tenantId))).isFalse();
        for (TenantRole role : TenantRole.values()) {
            assertThat(catalog.roleExists(io.onboarding.tenant.TenantNaming.roleName(tenantId, role))).isFalse();
            assertThat(vault.versions("tenant-roles/" + tenantId + "/" + role.apiName())).isEmpty();
        }
    }

    @Test
    void authProviderSecretsLiveInVaultOnly() {
        UUID tenantId = service.activeTenant("standard", null);
        String secret = "oidc-" + UUID.randomUUID();
        io.onboarding.support.SecretsSeen.record(secret);
        ApiClient.Response saved = api.put("/api/v1/tenants/" + tenantId + "/auth-providers",
                "{\"oidc\":{\"issuer_url\":\"https://login.example.test/realm\",\"client_id\":\"app\","
                        + "\"client_secret\":\"" + secret + "\",\"scopes\":[\"openid\",\"groups\"]}}");
        assertThat(saved.status()).isEqualTo(200);
        assertThat(vault.latest("tenant-auth/" + tenantId).get("config").toString()).contains(secret);
        assertThat(api.get("/api/v1/tenants/" + tenantId + "/auth-providers").body().toString())
                .doesNotContain(secret).contains("groups");
        assertThat(LogCapture.text()).doesNotContain(secret);
    }

    @Test
    void backupKeysAreWrittenOnceWithCheckAndSet() {
        UUID tenantId = service.activeTenant("free", null);
        for (int i = 0; i < 2; i++) {
            ApiClient.Response accepted = api.post("/api/v1/tenants/" + tenantId + "/backups", "");
            assertThat(service.awaitOperation(accepted.body().get("operation_id").asText()).get("status").asText())
                    .isEqualTo("succeeded");
        }
        // The platform's wrapping key and the tenant's data key: each written once, not per backup.
        assertThat(vault.versions("platform/backup-wrapping-key")).hasSize(1);
        assertThat(vault.versions("platform/backup-data-keys/" + tenantId)).hasSize(1);
        // A second writer of a first key loses, and the first key stays.
        io.onboarding.secrets.VaultSecretStore store = new io.onboarding.secrets.VaultSecretStore(null,
                io.onboarding.secrets.VaultSecretStore.vaultTemplate(vault.address(), VAULT_TOKEN), "kv",
                io.onboarding.secrets.VaultAccess.withToken(vault.address(), VAULT_TOKEN));
        assertThat(store.putIfAbsent("platform/backup-wrapping-key", Map.of("keyset", "another"))).isFalse();
        assertThat(store.putIfAbsent("platform/new-" + tenantId, Map.of("keyset", "first"))).isTrue();
        assertThat(vault.versions("platform/backup-wrapping-key")).hasSize(1);
    }

    @Test
    void aTokenVaultRejectsStopsTheServiceFromStarting() {
        Map<String, String> settings = new HashMap<>(vaultSettings("hvs.wrong-token"));
        assertThatThrownBy(() -> RunningService.start("platform_vault_test", settings).close())
                .hasStackTraceContaining("Vault at VAULT_ADDR rejected VAULT_TOKEN")
                .hasStackTraceContaining("403");
    }
}
