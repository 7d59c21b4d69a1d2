package io.onboarding.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.LogCapture;
import io.onboarding.support.Mailbox;
import io.onboarding.support.RunningService;
import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantRole;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Inviting people through HTTP on embedded defaults (local encrypted secret store): the mail reaches
 * a real SMTP server, the link hands out credentials once, and those credentials log in to the
 * tenant database over password auth with exactly the role's privileges.
 */
class UserInvitationTest {

    private static final List<String> SECRETS_SEEN = new ArrayList<>();
    private static Mailbox mailbox;
    private static RunningService service;
    private static ApiClient api;
    private static Catalog catalog;

    @BeforeAll
    static void start() throws Exception {
        mailbox = new Mailbox();
        Map<String, String> settings = mailbox.serviceSettings();
        service = RunningService.start("platform_users_test", settings);
        api = service.api();
        catalog = service.catalog();
        recordSecret(RunningService.TOKEN);
    }

    @AfterAll
    static void stop() {
        service.close();
        mailbox.close();
        String log = LogCapture.text();
        assertThat(log).isNotEmpty();
        for (String secret : SECRETS_SEEN) {
            assertThat(log).as("the log holds no password or token").doesNotContain(secret);
        }
    }

    private static void recordSecret(String secret) {
        SECRETS_SEEN.add(secret);
        io.onboarding.support.SecretsSeen.record(secret);
    }

    private static String email(String who) {
        return who + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
    }

    private static JsonNode invite(UUID tenantId, String email, String role) {
        ApiClient.Response response = api.post("/api/v1/tenants/" + tenantId + "/users",
                "{\"email\":\"" + email + "\",\"role\":\"" + role + "\",\"teams\":[\"core\"],\"invited_by\":\"ops\"}");
        assertThat(response.status()).as(response.body().toString()).isEqualTo(201);
        return response.body();
    }

    /** Follows the mailed link as the invited person would; returns the credentials. */
    private static JsonNode collect(String email) throws Exception {
        String link = mailbox.awaitLink(email);
        recordSecret(link.substring(link.lastIndexOf('/') + 1));
        assertThat(link).startsWith("http://onboarding.test/api/v1/invitations/");
        String local = link.replace("http://onboarding.test", "http://localhost:" + service.port());
        ApiClient.Response accepted = api.postUrl(local + "/accept");
        assertThat(accepted.status()).as(String.valueOf(accepted.body())).isEqualTo(200);
        // How to connect: the test cluster has no PGSSLMODE, so libpq's default.
        assertThat(accepted.body().get("database").get("sslmode").asText()).isEqualTo("prefer");
        assertThat(api.postUrl(local + "/accept").status()).as("the link works once").isEqualTo(410);
        recordSecret(accepted.body().get("password").asText());
        return accepted.body();
    }

    private static Connection login(JsonNode credentials) throws SQLException {
        return catalog.login(credentials.get("database").get("name").asText(), credentials.get("username").asText(),
                credentials.get("password").asText());
    }

    @Test
    void aDeveloperIsInvitedCollectsCredentialsOnceAndLogsInWithDeveloperPrivileges() throws Exception {
        UUID tenantId = service.activeTenant("standard", null);
        String email = email("dev");
        JsonNode user = invite(tenantId, email, "developer");
        assertThat(user.get("status").asText()).isEqualTo("invited");
        assertThat(user.has("password")).isFalse();
        // The invitation was an operation of the tenant, finished before the 201, its result the user.
        JsonNode operations = api.get("/api/v1/operations?tenant_id=" + tenantId + "&type=invite-user").body();
        assertThat(operations.get("items")).hasSize(1);
        assertThat(operations.at("/items/0/status").asText()).isEqualTo("succeeded");
        assertThat(operations.at("/items/0/result/user_id").asText()).isEqualTo(user.get("user_id").asText());
        String login = user.get("database_user").asText();
        assertThat(login).startsWith("tenant_" + tenantId.toString().replace("-", "") + "_u_");

        // The login role: can log in, member of the developer role only, limited, password as a SCRAM verifier.
        assertThat(catalog.value("postgres", "SELECT rolcanlogin || ' ' || rolconnlimit FROM pg_roles WHERE rolname = ?",
                login)).isEqualTo("true 10");
        assertThat(catalog.column("postgres", "SELECT pg_get_userbyid(roleid) FROM pg_auth_members"
                + " WHERE member = (SELECT oid FROM pg_roles WHERE rolname = ?)", login))
                .containsExactly(TenantNaming.roleName(tenantId, TenantRole.DEVELOPER));
        assertThat(catalog.value("postgres", "SELECT left(rolpassword, 14) FROM pg_authid WHERE rolname = ?", login))
                .isEqualTo("SCRAM-SHA-256$");

        JsonNode credentials = collect(email);
        assertThat(credentials.get("username").asText()).isEqualTo(login);
        assertThat(credentials.get("password").asText()).hasSizeGreaterThanOrEqualTo(24);
        assertThat(credentials.get("database").get("name").asText()).isEqualTo(TenantNaming.databaseName(tenantId));
        assertThat(credentials.get("database").get("port").asInt()).isPositive();
        // The credentials are kept encrypted: the password is nowhere in the stored bytes.
        assertThat(catalog.platform("SELECT count(*) FROM secrets WHERE path = ? AND position(convert_to(?, 'UTF8')"
                        + " IN ciphertext) = 0", "tenant-users/" + tenantId + "/" + login,
                credentials.get("password").asText())).containsExactly("1");

        try (Connection connection = login(credentials); Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT count(*) FROM applications").close();
            statement.execute("INSERT INTO user_activity (user_id, action) VALUES ('dev', 'login')");
            assertThatThrownBy(() -> statement.execute("INSERT INTO applications (name, team, created_by) VALUES ('nope', 'core', 'ops')"))
                    .hasMessageContaining("permission denied for table applications");
            assertThatThrownBy(() -> statement.execute("CREATE TABLE mine (id int)"))
                    .hasMessageContaining("permission denied for schema public");
        }
        JsonNode listed = api.get("/api/v1/tenants/" + tenantId + "/users").body().get("items").get(0);
        assertThat(listed.get("status").asText()).isEqualTo("active");
        assertThat(listed.toString()).doesNotContain(credentials.get("password").asText());
    }

    @Test
    void linksAreStoredOnlyAsHashesAndExpire() throws Exception {
        UUID tenantId = service.activeTenant("free", null);
        String email = email("slow");
        String userId = invite(tenantId, email, "developer").get("user_id").asText();
        String link = mailbox.awaitLink(email);
        String token = link.substring(link.lastIndexOf('/') + 1);
        recordSecret(token);
        assertThat(catalog.platform("SELECT token_hash FROM invitations WHERE user_id = ?::uuid", userId))
                .containsExactly(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        String local = link.replace("http://onboarding.test", "http://localhost:" + service.port());
        assertThat(api.withToken(null).get(local.substring(("http://localhost:" + service.port()).length()))
                .body().get("role").asText()).isEqualTo("developer");

        // A week passes.
        catalog.execute("platform_users_test",
                "UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE user_id = '" + userId + "'");
        ApiClient.Response expired = api.postUrl(local + "/accept");
        assertThat(expired.status()).isEqualTo(410);
        assertThat(expired.body().get("error").get("message").asText()).contains("expired");
        assertThat(expired.body().toString()).doesNotContain("password");
    }

    @Test
    void rotationRetiresLinksNotYetUsed() throws Exception {
        UUID tenantId = service.activeTenant("free", null);
        String email = email("unhurried");
        String userId = invite(tenantId, email, "developer").get("user_id").asText();
        String firstLink = mailbox.awaitLink(email).replace("http://onboarding.test", "http://localhost:" + service.port());
        recordSecret(firstLink.substring(firstLink.lastIndexOf('/') + 1));
        assertThat(api.post("/api/v1/tenants/" + tenantId + "/users/" + userId + "/rotate-credentials", "").status())
                .isEqualTo(200);
        // The old link (perhaps leaked: the reason to rotate) must not hand out the new password.
        assertThat(api.postUrl(firstLink + "/accept").status()).isEqualTo(410);
        JsonNode credentials = collect(email);
        login(credentials).close();
    }

    @Test
    void anAuditorCanReadButNotWrite() throws Exception {
        UUID tenantId = service.activeTenant("free", null);
        String email = email("audit");
        invite(tenantId, email, "auditor");
        try (Connection connection = login(collect(email)); Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT count(*) FROM user_activity").close();
            assertThatThrownBy(() -> statement.execute("INSERT INTO user_activity (user_id, action) VALUES ('a', 'b')"))
                    .hasMessageContaining("permission denied");
        }
    }

    @Test
    void theAdminEmailOfANewTenantIsInvitedAsTenantAdmin() throws Exception {
        String email = email("boss");
        UUID tenantId = service.activeTenant("enterprise", email);
        JsonNode operation = api.get("/api/v1/operations/" + catalog.platform(
                "SELECT operation_id FROM operations WHERE tenant_id = ?", tenantId).get(0)).body();
        assertThat(operation.get("steps").get(operation.get("steps").size() - 1).get("name").asText())
                .isEqualTo("invite-tenant-admin");
        try (Connection connection = login(collect(email)); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO applications (name, team, created_by) VALUES ('first app', 'core', 'ops')");
        }
        JsonNode admin = api.get("/api/v1/tenants/" + tenantId + "/users").body().get("items").get(0);
        assertThat(admin.get("role").asText()).isEqualTo("tenant_admin");

        UUID quiet = service.activeTenant("free", null);
        JsonNode skipped = api.get("/api/v1/operations/" + catalog.platform(
                "SELECT operation_id FROM operations WHERE tenant_id = ?", quiet).get(0)).body();
        assertThat(skipped.get("steps").get(skipped.get("steps").size() - 1).get("status").asText())
                .isEqualTo("skipped");
    }

    @Test
    void duplicatesAndBadInputAreRefusedAndCreateNoRole() {
        UUID tenantId = service.activeTenant("standard", null);
        String email = email("twice");
        invite(tenantId, email, "developer");
        String logins = "SELECT count(*) FROM pg_roles WHERE rolname LIKE ?";
        String pattern = "tenant\\_" + tenantId.toString().replace("-", "") + "\\_u\\_%";
        assertThat(catalog.value("postgres", logins, pattern)).isEqualTo("1");

        ApiClient.Response duplicate = api.post("/api/v1/tenants/" + tenantId + "/users",
                "{\"email\":\"" + email.toUpperCase() + "\",\"role\":\"auditor\"}");
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.body().get("error").get("details").get(0).get("field").asText()).isEqualTo("email");

        ApiClient.Response badRole = api.post("/api/v1/tenants/" + tenantId + "/users",
                "{\"email\":\"" + email("x") + "\",\"role\":\"superuser\"}");
        assertThat(badRole.status()).isEqualTo(400);
        assertThat(badRole.body().get("error").get("details").get(0).get("field").asText()).isEqualTo("role");
        ApiClient.Response badEmail = api.post("/api/v1/tenants/" + tenantId + "/users",
                "{\"email\":\"not-an-email\",\"role\":\"developer\",\"teams\":\"core\"}");
        assertThat(badEmail.status()).isEqualTo(400);
        assertThat(badEmail.body().get("error").get("details").toString()).contains("\"email\"").contains("\"teams\"");
        assertThat(catalog.value("postgres", logins, pattern)).as("no role for refused invitations").isEqualTo("1");

        assertThat(api.post("/api/v1/tenants/" + UUID.randomUUID() + "/users",
                "{\"email\":\"" + email("y") + "\",\"role\":\"developer\"}").status()).isEqualTo(404);
        assertThat(api.postUrl("http://localhost:" + service.port() + "/api/v1/invitations/no-such-token/accept")
                .status()).isEqualTo(404);
    }

    @Test
    void anInvitationWhoseMailFailsIsUndoneByTheEngine() {
        UUID tenantId = service.activeTenant("standard", null);
        String email = email("unmailed");
        String pattern = "tenant\\_" + tenantId.toString().replace("-", "") + "\\_u\\_%";
        // The secret store (the control plane's secrets table, on embedded defaults) refuses the mail's text.
        catalog.execute("platform_users_test", """
                CREATE FUNCTION refuse_invitation_mail() RETURNS trigger LANGUAGE plpgsql
                AS $$ BEGIN RAISE EXCEPTION 'the test refuses invitation mail'; END $$""",
                "CREATE TRIGGER refuse_invitation_mail BEFORE INSERT ON secrets FOR EACH ROW"
                        + " WHEN (NEW.path LIKE 'platform/outbox/%') EXECUTE FUNCTION refuse_invitation_mail()");
        ApiClient.Response failed;
        try {
            failed = api.post("/api/v1/tenants/" + tenantId + "/users",
                    "{\"email\":\"" + email + "\",\"role\":\"developer\"}");
        } finally {
            catalog.execute("platform_users_test", "DROP TRIGGER refuse_invitation_mail ON secrets",
                    "DROP FUNCTION refuse_invitation_mail()");
        }
        assertThat(failed.status()).as(failed.body().toString()).isEqualTo(500);
        assertThat(failed.body().at("/error/code").asText()).isEqualTo("invitation_failed");
        assertThat(failed.body().at("/error/message").asText()).contains("the test refuses invitation mail");
        String operationId = failed.body().at("/error/details/0/operation_id").asText();
        assertThat(failed.body().at("/error/details/0/location").asText()).endsWith("/api/v1/operations/" + operationId);

        // The engine undid every part that ran, newest first; the record was never made.
        JsonNode operation = api.get("/api/v1/operations/" + operationId).body();
        assertThat(operation.get("type").asText()).isEqualTo("invite-user");
        assertThat(operation.get("tenant_id").asText()).isEqualTo(tenantId.toString());
        assertThat(operation.get("status").asText()).isEqualTo("failed");
        assertThat(operation.get("compensated").asBoolean()).isTrue();
        List<String> steps = new ArrayList<>();
        operation.get("steps").forEach(step -> steps.add(step.get("name").asText() + " " + step.get("status").asText()));
        assertThat(steps).containsExactly("store-user-credential compensated", "create-user-login compensated",
                "prepare-invitation-mail compensated", "record-invited-user pending");
        // Nothing left: no login role in pg_catalog, no credential or mail text in the store, no record, no mail.
        assertThat(catalog.value("postgres", "SELECT count(*) FROM pg_roles WHERE rolname LIKE ?", pattern))
                .isEqualTo("0");
        assertThat(catalog.platform("SELECT count(*) FROM secrets WHERE path LIKE ?", "tenant-users/" + tenantId + "/%"))
                .containsExactly("0");
        assertThat(catalog.platform("SELECT count(*) FROM tenant_users WHERE email = ?", email)).containsExactly("0");
        assertThat(catalog.platform("SELECT count(*) FROM mail_outbox WHERE recipient = ?", email)).containsExactly("0");
        assertThat(api.get("/api/v1/tenants/" + tenantId + "/users").body().get("items")).isEmpty();

        // The address is free: the same invitation, with the store accepting mail again, is made.
        invite(tenantId, email, "developer");
    }

    @Test
    void invitationsToOneTenantAtOnceAreMadeOneAfterTheOtherAndAnAddressOnce() throws Exception {
        UUID tenantId = service.activeTenant("free", null);
        String shared = email("both");
        List<String> emails = List.of(email("p1"), email("p2"), email("p3"), email("p4"), shared, shared);
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(emails.size());
        List<java.util.concurrent.Future<ApiClient.Response>> replies = new ArrayList<>();
        try {
            for (String email : emails) {
                replies.add(callers.submit(() -> api.post("/api/v1/tenants/" + tenantId + "/users",
                        "{\"email\":\"" + email + "\",\"role\":\"auditor\"}")));
            }
            List<String> outcomes = new ArrayList<>();
            for (java.util.concurrent.Future<ApiClient.Response> reply : replies) {
                ApiClient.Response response = reply.get(120, java.util.concurrent.TimeUnit.SECONDS);
                outcomes.add(response.status() + " " + response.body().at("/error/details/0/field").asText());
            }
            // One operation per tenant at a time: each waited for the one before; the shared address once.
            assertThat(outcomes.subList(0, 4)).containsOnly("201 ");
            assertThat(outcomes.subList(4, 6)).containsExactlyInAnyOrder("201 ", "409 email");
        } finally {
            callers.shutdownNow();
        }
        assertThat(api.get("/api/v1/tenants/" + tenantId + "/users").body().get("items")).hasSize(5);
        assertThat(catalog.value("postgres", "SELECT count(*) FROM pg_roles WHERE rolname LIKE ?",
                "tenant\\_" + tenantId.toString().replace("-", "") + "\\_u\\_%")).isEqualTo("5");
        assertThat(catalog.platform("SELECT status || ' ' || count(*) FROM operations WHERE tenant_id = ?"
                + " AND type = 'invite-user' GROUP BY status", tenantId)).containsExactly("succeeded 5");
        assertThat(catalog.platform("SELECT count(*) FROM operations a JOIN operations b ON a.tenant_id = b.tenant_id"
                + " AND a.operation_id <> b.operation_id AND a.created_at < b.finished_at AND b.created_at < a.finished_at"
                + " WHERE a.tenant_id = ?", tenantId)).as("no two operations of the tenant overlapped").containsExactly("0");
    }

    @Test
    void invitedByIsAOneLineNameShownInTheMailAsQuotedData() throws Exception {
        UUID tenantId = service.activeTenant("free", null);
        String paragraph = "Jane\n\nYour account is locked: sign in at https://evil.example/login";
        for (String hostile : new String[] {paragraph, "Jane\r\nBcc: all@example.test", "Jane \u001b[2J\u001b]8;;https://evil.example\u0007",
                "Jane\u2028Doe", "Jane\u0085Doe", "Jane\u202eeoD", "Jane\u007fDoe", "x".repeat(101), "   "}) {
            String email = email("hostile");
            ApiClient.Response refused = api.post("/api/v1/tenants/" + tenantId + "/users",
                    "{\"email\":\"" + email + "\",\"role\":\"developer\",\"invited_by\":"
                            + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(hostile) + "}");
            assertThat(refused.status()).as(hostile).isEqualTo(400);
            assertThat(refused.body().get("error").get("details").findValuesAsText("field")).as(hostile)
                    .containsExactly("invited_by");
            assertThat(api.get("/api/v1/tenants/" + tenantId + "/users").raw().body()).doesNotContain(email);
        }

        String email = email("quoted");
        String name = "Jane \"JJ\" Doe-" + "x".repeat(80);
        ApiClient.Response invited = api.post("/api/v1/tenants/" + tenantId + "/users", "{\"email\":\"" + email
                + "\",\"role\":\"developer\",\"invited_by\":" + new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsString(name) + "}");
        assertThat(invited.status()).as(String.valueOf(invited.body())).isEqualTo(201);
        collect(email);
        jakarta.mail.internet.MimeMessage mail = mailbox.messagesTo(email).get(0);
        assertThat(mail.getContentType()).startsWith("text/plain");
        String text = mail.getContent().toString().replace("\r\n", "\n");
        assertThat(text).contains("\nInvited by: \"Jane \\\"JJ\\\" Doe-" + "x".repeat(80) + "\"\n");
        assertThat(text.lines().filter(line -> line.contains("Jane"))).hasSize(1);
    }

    @Test
    void rotationStopsTheOldPasswordAndRemovalDropsTheRole() throws Exception {
        UUID tenantId = service.activeTenant("standard", null);
        String email = email("rotor");
        JsonNode user = invite(tenantId, email, "application_manager");
        String userId = user.get("user_id").asText();
        String login = user.get("database_user").asText();
        JsonNode first = collect(email);
        login(first).close();

        ApiClient.Response rotated = api.post("/api/v1/tenants/" + tenantId + "/users/" + userId
                + "/rotate-credentials", "");
        assertThat(rotated.status()).isEqualTo(200);
        assertThat(rotated.body().has("password")).isFalse();
        assertThat(rotated.body().get("credentials_rotated_at").isTextual()).isTrue();
        assertThatThrownBy(() -> login(first).close()).hasMessageContaining("password authentication failed");
        JsonNode second = collect(email);
        assertThat(second.get("password").asText()).isNotEqualTo(first.get("password").asText());
        try (Connection connection = login(second); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO applications (name, team, created_by) VALUES ('managed', 'core', 'ops')");
        }

        // An open session is closed by the removal.
        Connection open = login(second);
        assertThat(api.delete("/api/v1/tenants/" + tenantId + "/users/" + userId).status()).isEqualTo(204);
        assertThat(catalog.roleExists(login)).isFalse();
        assertThatThrownBy(() -> open.createStatement().execute("SELECT 1")).isInstanceOf(SQLException.class);
        open.close();
        assertThatThrownBy(() -> login(second).close()).isInstanceOf(SQLException.class);
        assertThat(catalog.platform("SELECT count(*) FROM secrets WHERE path = ?",
                "tenant-users/" + tenantId + "/" + login)).containsExactly("0");
        assertThat(api.get("/api/v1/tenants/" + tenantId + "/users").body().get("items")).isEmpty();
        assertThat(api.delete("/api/v1/tenants/" + tenantId + "/users/" + userId).status()).isEqualTo(404);
        // The address is free again.
        invite(tenantId, email, "developer");
    }

    @Test
    void authProvidersAreValidatedStoredAndNeverShownWithSecrets() {
        UUID tenantId = service.activeTenant("standard", null);
        String path = "/api/v1/tenants/" + tenantId + "/auth-providers";
        assertThat(api.get(path).body().get("enabled")).isEmpty();

        ApiClient.Response bad = api.put(path, """
                {"github":{"client_id":"x","organization":"-bad-"},
                 "entra_id":{"tenant_id":"nope","client_id":"also-nope","client_secret":"s"},
                 "oidc":{"issuer_url":"http://idp.example","client_id":"c","client_secret":"s","scopes":["email"]},
                 "saml":{}}""");
        assertThat(bad.status()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        bad.body().get("error").get("details").forEach(detail -> fields.add(detail.get("field").asText()));
        assertThat(fields).containsExactlyInAnyOrder("github.client_secret", "github.organization",
                "entra_id.tenant_id", "entra_id.client_id", "oidc.issuer_url", "oidc.scopes", "saml");

        String githubSecret = "gh-" + UUID.randomUUID();
        String entraSecret = "entra-" + UUID.randomUUID();
        recordSecret(githubSecret);
        recordSecret(entraSecret);
        ApiClient.Response saved = api.put(path, """
                {"github":{"client_id":"Iv1.abc","client_secret":"%s","organization":"acme","teams":["core"]},
                 "entra_id":{"tenant_id":"%s","client_id":"%s","client_secret":"%s","groups":["admins"]}}"""
                .formatted(githubSecret, UUID.randomUUID(), UUID.randomUUID(), entraSecret));
        assertThat(saved.status()).isEqualTo(200);
        assertThat(saved.body().get("enabled").toString()).isEqualTo("[\"github\",\"entra_id\"]");

        JsonNode read = api.get(path).body();
        assertThat(read.toString()).doesNotContain(githubSecret).doesNotContain(entraSecret);
        assertThat(read.get("github").get("client_secret").asText()).isEqualTo("********");
        assertThat(read.get("github").get("organization").asText()).isEqualTo("acme");
        assertThat(read.get("entra_id").get("groups").get(0).asText()).isEqualTo("admins");
        assertThat(catalog.platform("SELECT count(*) FROM secrets WHERE path = ?", "tenant-auth/" + tenantId))
                .containsExactly("1");
        assertThat(catalog.platform("SELECT array_to_string(auth_providers, ',') FROM tenants WHERE tenant_id = ?",
                tenantId)).containsExactly("github,entra_id");
        // The redacted value cannot be written back as if it were the secret.
        assertThat(api.put(path, read.toString().replaceAll(",?\"(enabled|updated_at)\":(\\[[^]]*]|\"[^\"]*\")", ""))
                .status()).isEqualTo(400);
    }
}
