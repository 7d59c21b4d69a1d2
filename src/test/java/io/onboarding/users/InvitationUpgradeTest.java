package io.onboarding.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.postgres.PostgresCluster;
import io.onboarding.secrets.LocalSecretStore;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.RunningService;
import io.onboarding.support.TestPostgres;
import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * An earlier release kept a half-made invitation as a tenant_users row 'inviting' (or 'abandoning')
 * with whatever of its login role, credential and prepared mail it had made, for its own recovery
 * timer to undo. That timer is gone: control-plane migration V26 turns each such row (older than that
 * release's time-out, or claimed) into an invite-user operation that is compensating, and the engine's
 * recovery pass undoes it at the first start of this release. The control plane is put back to what
 * that release left (V26 not applied, such rows and their parts made), then the service starts on it.
 */
class InvitationUpgradeTest {

    private static final String PLATFORM = "platform_invitation_upgrade_test";

    @Test
    void halfMadeInvitationsOfAnEarlierReleaseAreUndoneByTheEngineAtTheFirstStart() throws Exception {
        Path dataDir = Files.createTempDirectory("invitation-upgrade");
        UUID tenantId;
        String keptLogin;
        try (RunningService before = RunningService.start(PLATFORM, Map.of(), dataDir)) {
            tenantId = before.activeTenant("standard", null);
            ApiClient.Response invited = before.api().post("/api/v1/tenants/" + tenantId + "/users",
                    "{\"email\":\"kept@example.test\",\"role\":\"developer\"}");
            assertThat(invited.status()).isEqualTo(201);
            keptLogin = invited.body().get("database_user").asText();
        }

        PostgresCluster pg = TestPostgres.cluster();
        Catalog catalog = new Catalog(pg, PLATFORM);
        // V26 and what came after it not applied (a later migration, V27 on, is written to run again).
        catalog.execute(PLATFORM, "DELETE FROM flyway_schema_history WHERE installed_rank >= (SELECT installed_rank"
                + " FROM flyway_schema_history WHERE version = '26')");
        // Cut short after its login role, credential and prepared mail were made.
        UUID halfMade = UUID.randomUUID();
        String login = TenantNaming.userRoleName(tenantId, halfMade);
        catalog.execute("postgres", "CREATE ROLE " + login + " LOGIN IN ROLE "
                        + TenantNaming.roleName(tenantId, TenantRole.DEVELOPER),
                "COMMENT ON ROLE " + login + " IS '" + TenantNaming.ownerMarker(tenantId) + "'");
        LocalSecretStore secrets = new LocalSecretStore(new DriverManagerDataSource(pg.jdbcUrl(PLATFORM), pg.user(),
                pg.password()), dataDir.toAbsolutePath().resolve("secret-store.key"));
        secrets.put("tenant-users/" + tenantId + "/" + login, Map.of("database_user", login, "database_password", "x"));
        secrets.put("platform/outbox/" + halfMade, Map.of("to", "half@example.test", "subject", "s", "text", "t"));
        // Claimed by that release's recovery pass, which had not undone anything yet; and one an instance of
        // that release is still making (younger than its time-out), during a rolling restart.
        UUID claimed = UUID.randomUUID();
        UUID young = UUID.randomUUID();
        for (Object[] row : new Object[][] {{halfMade, "half@example.test", "inviting", "1 hour"},
                {claimed, "claimed@example.test", "abandoning", "1 hour"},
                {young, "young@example.test", "inviting", "1 second"}}) {
            catalog.execute(PLATFORM, "INSERT INTO tenant_users (user_id, tenant_id, email, role, teams, invited_by,"
                    + " database_user, status, created_at) VALUES ('" + row[0] + "', '" + tenantId + "', '" + row[1]
                    + "', 'developer', '[\"core\"]', 'ops', '" + TenantNaming.userRoleName(tenantId, (UUID) row[0])
                    + "', '" + row[2] + "', now() - interval '" + row[3] + "')");
        }

        try (RunningService after = RunningService.start(PLATFORM, Map.of(), dataDir)) {
            ApiClient api = after.api();
            String undone = "/api/v1/operations?tenant_id=" + tenantId + "&type=invite-user&status=failed";
            JsonNode failed = await().atMost(Duration.ofSeconds(60)).until(() -> api.get(undone).body().get("items"),
                    items -> items.size() == 2);
            for (JsonNode operation : failed) {
                assertThat(operation.get("compensated").asBoolean()).as(operation.toString()).isTrue();
                assertThat(operation.get("error").asText()).contains("earlier release");
            }
            // Every part of the half-made invitation is gone; the invitation made before is untouched.
            assertThat(catalog.roleExists(login)).isFalse();
            assertThat(catalog.platform("SELECT path FROM secrets WHERE path IN (?, ?)",
                    "tenant-users/" + tenantId + "/" + login, "platform/outbox/" + halfMade)).isEmpty();
            assertThat(catalog.platform("SELECT email || ' ' || status FROM tenant_users WHERE tenant_id = ?"
                    + " ORDER BY email", tenantId)).containsExactly("kept@example.test invited", "young@example.test inviting");
            assertThat(catalog.roleExists(keptLogin)).isTrue();
            // The one still being made elsewhere is not listed, and its address is taken.
            JsonNode listed = api.get("/api/v1/tenants/" + tenantId + "/users").body().get("items");
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).get("email").asText()).isEqualTo("kept@example.test");
            assertThat(api.post("/api/v1/tenants/" + tenantId + "/users",
                    "{\"email\":\"young@example.test\",\"role\":\"auditor\"}").status()).isEqualTo(409);
            // The tenant is free for the next invitation, and the address of the half-made one too.
            assertThat(api.post("/api/v1/tenants/" + tenantId + "/users",
                    "{\"email\":\"half@example.test\",\"role\":\"auditor\"}").status()).isEqualTo(201);
        }
    }
}
