package io.onboarding.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Mailbox;
import io.onboarding.support.RunningService;
import io.onboarding.support.SecretsSeen;
import io.onboarding.support.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scoped tokens, the audit log and X-Request-Id, through the front door: what each scope may do,
 * revocation and expiry, tokens never shown again (list, audit, logs), audit rows for calls and
 * credential hand-outs, and an audit table that refuses to be changed by the service's own role.
 */
class AccessAndAuditTest {

    private static final String PLATFORM = "platform_access_test";
    private static final String CREATE_TENANT = """
            {"tenant_name":"%s","plan":"free","region":"local"}""";

    private static Mailbox mailbox;
    private static RunningService service;
    private static ApiClient admin;
    /** Every token the tests made: none may appear in a listing, the audit log or a log. */
    private static final List<String> tokensMade = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        mailbox = new Mailbox();
        service = RunningService.start(PLATFORM, mailbox.serviceSettings());
        admin = service.api();
    }

    @AfterAll
    static void stop() {
        try (Mailbox closing = mailbox) {
            service.close();
        }
    }

    /** A new token of these scopes (and expiry, if not null), made by the bootstrap admin. */
    private static JsonNode newToken(String name, String scopes, String expiresAt) {
        ApiClient.Response created = admin.post("/api/v1/tokens", "{\"name\":\"%s\",\"scopes\":%s%s}".formatted(name,
                scopes, expiresAt == null ? "" : ",\"expires_at\":\"" + expiresAt + "\""));
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        String token = created.body().get("token").asText();
        SecretsSeen.record(token);
        synchronized (tokensMade) {
            tokensMade.add(token);
        }
        return created.body();
    }

    private static ApiClient as(JsonNode token) {
        return admin.withToken(token.get("token").asText());
    }

    private static String unique(String prefix) {
        return prefix + " " + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void assertForbidden(ApiClient.Response response) {
        assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(403);
        assertThat(response.body().get("error").get("code").asText()).isEqualTo("forbidden");
    }

    @Test
    void aReaderMayOnlyRead() {
        UUID tenantId = service.activeTenant("free", null);
        JsonNode token = newToken(unique("reader"), "[\"reader\"]", null);
        assertThat(token.get("scopes").toString()).isEqualTo("[\"reader\"]");
        ApiClient reader = as(token);

        assertThat(reader.get("/api/v1/tenants/" + tenantId).status()).isEqualTo(200);
        assertThat(reader.get("/api/v1/operations").status()).isEqualTo(200);
        assertThat(reader.get("/api/v1/audit").status()).isEqualTo(200);
        assertForbidden(reader.post("/api/v1/tenants", CREATE_TENANT.formatted(unique("by reader"))));
        assertForbidden(reader.post("/api/v1/tenants/" + tenantId + "/suspend", "{\"reason\":\"no\"}"));
        assertForbidden(reader.get("/api/v1/tokens"));
        assertThat(admin.get("/api/v1/tenants/" + tenantId).body().get("status").asText()).isEqualTo("active");
    }

    @Test
    void anOperatorMayDoAllButDestroyAndTokens() {
        JsonNode token = newToken(unique("operator"), "[\"operator\"]", null);
        ApiClient operator = as(token);
        ApiClient.Response created = operator.post("/api/v1/tenants", CREATE_TENANT.formatted(unique("by operator")));
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(202);
        String tenantId = created.body().get("tenant_id").asText();
        assertThat(service.awaitOperation(created.body().get("operation_id").asText()).get("status").asText())
                .isEqualTo("succeeded");
        ApiClient.Response suspended = operator.post("/api/v1/tenants/" + tenantId + "/suspend", "{\"reason\":\"test\"}");
        assertThat(suspended.status()).as(String.valueOf(suspended.body())).isEqualTo(202);
        service.awaitOperation(suspended.body().get("operation_id").asText());

        String name = admin.get("/api/v1/tenants/" + tenantId).body().get("tenant_name").asText();
        assertForbidden(operator.delete("/api/v1/tenants/" + tenantId + "?confirm=" + name.replace(" ", "%20")));
        assertThat(admin.get("/api/v1/tenants/" + tenantId).body().get("status").asText()).isEqualTo("suspended");
        assertForbidden(operator.get("/api/v1/tokens"));
        assertForbidden(operator.post("/api/v1/tokens", "{\"name\":\"escalation\",\"scopes\":[\"admin\"]}"));
        // Where a tenant goes is the placement policy's, or an admin's, choice.
        UUID placedByHand = UUID.randomUUID();
        String onCluster = "{\"tenant_id\":\"" + placedByHand + "\"," + CREATE_TENANT.formatted(unique("placed")).substring(1)
                .replace("}", ",\"cluster\":\"default\"}");
        ApiClient.Response chosen = operator.post("/api/v1/tenants", onCluster);
        assertForbidden(chosen);
        assertThat(chosen.body().toString()).contains("\"field\":\"cluster\"");
        assertThat(admin.get("/api/v1/tenants/" + placedByHand).status()).isEqualTo(404);
        ApiClient.Response byAdmin = admin.post("/api/v1/tenants", onCluster);
        assertThat(byAdmin.status()).as(String.valueOf(byAdmin.body())).isEqualTo(202);
        service.awaitOperation(byAdmin.body().get("operation_id").asText());
        assertForbidden(operator.delete("/api/v1/tokens/" + token.get("token_id").asText()));
        assertThat(admin.get("/api/v1/tokens").raw().body()).doesNotContain("escalation");

        JsonNode audit = admin.get("/api/v1/audit?tenant_id=" + tenantId + "&limit=50").body().get("items");
        assertThat(audit.findValuesAsText("action")).contains("create-tenant", "suspend-tenant", "destroy-tenant");
        for (JsonNode row : audit) {
            if (row.get("action").asText().endsWith("-tenant")) {
                assertThat(row.get("token_name").asText()).isEqualTo(token.get("name").asText());
            }
            if (row.get("action").asText().equals("destroy-tenant")) {
                assertThat(row.get("outcome").asText()).isEqualTo("403");
            }
        }
    }

    @Test
    void aRevokedTokenIsRefusedAtOnce() {
        JsonNode token = newToken(unique("revoked"), "[\"reader\",\"operator\"]", null);
        ApiClient holder = as(token);
        assertThat(holder.get("/api/v1/operations").status()).as("verified, so remembered").isEqualTo(200);
        assertThat(admin.delete("/api/v1/tokens/" + token.get("token_id").asText()).status()).isEqualTo(204);
        ApiClient.Response refused = holder.get("/api/v1/operations");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body().get("error").get("code").asText()).isEqualTo("unauthorized");
        assertThat(holder.post("/api/v1/tenants", CREATE_TENANT.formatted(unique("revoked"))).status()).isEqualTo(401);
        JsonNode listed = findToken(token.get("token_id").asText());
        assertThat(listed.get("status").asText()).isEqualTo("revoked");
        assertThat(listed.get("revoked_at").isNull()).isFalse();
        assertThat(admin.delete("/api/v1/tokens/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(admin.delete("/api/v1/tokens/not-a-uuid").status()).isEqualTo(400);
    }

    @Test
    void anExpiredTokenIsRefused() {
        JsonNode token = newToken(unique("short-lived"), "[\"admin\"]",
                OffsetDateTime.now().plusSeconds(10).toString());
        ApiClient holder = as(token);
        assertThat(holder.get("/api/v1/tokens").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> holder.get("/api/v1/tokens").status() == 401);
        assertThat(holder.get("/api/v1/tokens").body().get("error").get("message").asText()).contains("expired");
        assertThat(findToken(token.get("token_id").asText()).get("status").asText()).isEqualTo("expired");
    }

    @Test
    void aBadTokenRequestIsA400NamingTheField() {
        assertField(admin.post("/api/v1/tokens", "{\"scopes\":[\"reader\"]}"), "name");
        assertField(admin.post("/api/v1/tokens", "{\"name\":\"x\",\"scopes\":[\"root\"]}"), "scopes[0]");
        assertField(admin.post("/api/v1/tokens", "{\"name\":\"x\",\"scopes\":[]}"), "scopes");
        assertField(admin.post("/api/v1/tokens", "{\"name\":\"x\",\"scopes\":[\"reader\"],\"expires_at\":\"2001-01-01T00:00:00Z\"}"),
                "expires_at");
        assertField(admin.post("/api/v1/tokens", "{\"name\":\"x\",\"scopes\":[\"reader\"],\"expires_at\":\"tomorrow\"}"),
                "expires_at");
        assertField(admin.post("/api/v1/tokens", "{\"name\":\"bootstrap-admin\",\"scopes\":[\"reader\"]}"), "name");
        assertField(admin.post("/api/v1/tokens", "{\"name\":\"x\",\"scopes\":[\"reader\"],\"scope\":1}"), "scope");
        String name = unique("twice");
        newToken(name, "[\"reader\"]", null);
        ApiClient.Response again = admin.post("/api/v1/tokens", "{\"name\":\"" + name + "\",\"scopes\":[\"reader\"]}");
        assertThat(again.status()).isEqualTo(409);
    }

    /** Without METRICS_TOKEN (the default) the metrics, which list every tenant, want an API token. */
    @Test
    void metricsNeedAnApiTokenByDefault() {
        UUID tenantId = service.activeTenant("free", null);
        ApiClient.Response anonymous = admin.withToken(null).get("/observe/metrics");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).contains("Bearer");
        assertThat(anonymous.raw().body()).doesNotContain(tenantId.toString()).doesNotContain("onboarding_tenant_info");
        assertThat(admin.withToken("onb_not-a-token").get("/observe/metrics").status()).isEqualTo(401);

        ApiClient.Response byAdmin = admin.get("/observe/metrics");
        assertThat(byAdmin.status()).isEqualTo(200);
        assertThat(byAdmin.raw().body()).contains("jvm_");
        JsonNode reader = newToken(unique("prometheus"), "[\"reader\"]", null);
        assertThat(as(reader).get("/observe/metrics").status()).as("a reader token, as Prometheus would hold").isEqualTo(200);
        assertThat(admin.delete("/api/v1/tokens/" + reader.get("token_id").asText()).status()).isEqualTo(204);
        assertThat(as(reader).get("/observe/metrics").status()).as("revoked").isEqualTo(401);
        // Readiness stays open: load balancers and the compose health check call it without a token.
        assertThat(admin.withToken(null).get("/observe/health").status()).isEqualTo(200);
    }

    @Test
    void theReservedNameIsRefusedHoweverItIsSpelled() throws Exception {
        for (String name : new String[] {"bootstrap-admin ", " bootstrap-admin", "BOOTSTRAP-ADMIN", "Bootstrap_Admin",
                "bootstrap admin", "bootstrap.admin", "bootstrap--admin", "bootstrap-admin\t", "bootstrap-admin\u00a0",
                "bootstrap\u200b-admin", "\uff42\uff4f\uff4f\uff54\uff53\uff54\uff52\uff41\uff50-admin"}) {
            ApiClient.Response refused = admin.post("/api/v1/tokens", "{\"name\":"
                    + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(name) + ",\"scopes\":[\"admin\"]}");
            assertField(refused, "name");
            assertThat(refused.body().get("error").get("details").findValuesAsText("field")).as(name).containsOnly("name");
        }
        assertThat(admin.post("/api/v1/tokens", "{\"name\":\"bootstrap-admin \",\"scopes\":[\"admin\"]}").body()
                .toString()).contains("reserved");
        for (JsonNode token : admin.get("/api/v1/tokens").body().get("items")) {
            assertThat(TokenRequest.isReserved(token.get("name").asText())).as(token.toString()).isFalse();
        }
        // A name like it that is not it is fine, and is kept without its surrounding spaces.
        JsonNode near = newToken("bootstrap-admins " + UUID.randomUUID().toString().substring(0, 4) + " ", "[\"reader\"]", null);
        assertThat(near.get("name").asText()).startsWith("bootstrap-admins ").doesNotEndWith(" ");
    }

    private static void assertField(ApiClient.Response response, String field) {
        assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(400);
        assertThat(response.body().get("error").get("details").findValuesAsText("field")).contains(field);
    }

    @Test
    void auditRowsNameTokenOutcomeAndRequestIdForCallsAndHandOuts() throws Exception {
        JsonNode token = newToken(unique("auditor"), "[\"operator\"]", null);
        String requestId = "req-" + UUID.randomUUID();
        ApiClient operator = as(token).withHeader("X-Request-Id", requestId).withHeader("User-Agent", "audit-test/1.0");
        ApiClient.Response created = operator.post("/api/v1/tenants", CREATE_TENANT.formatted(unique("audited")));
        assertThat(created.status()).isEqualTo(202);
        assertThat(created.header("X-Request-Id")).contains(requestId);
        String tenantId = created.body().get("tenant_id").asText();
        JsonNode operation = service.awaitOperation(created.body().get("operation_id").asText());
        assertThat(operation.get("request_id").asText()).as("the operation remembers its request").isEqualTo(requestId);

        String email = "audited-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
        assertThat(operator.post("/api/v1/tenants/" + tenantId + "/users",
                "{\"email\":\"" + email + "\",\"role\":\"developer\"}").status()).isEqualTo(201);
        String link = mailbox.awaitLink(email).replace("http://onboarding.test", "http://localhost:" + service.port());
        SecretsSeen.record(link.substring(link.lastIndexOf('/') + 1));
        ApiClient.Response accepted = admin.withToken(null).postUrl(link + "/accept");
        assertThat(accepted.status()).isEqualTo(200);
        String password = accepted.body().get("password").asText();
        SecretsSeen.record(password);

        JsonNode rows = admin.get("/api/v1/audit?tenant_id=" + tenantId).body().get("items");
        JsonNode create = only(rows, "create-tenant");
        assertThat(create.get("token_name").asText()).isEqualTo(token.get("name").asText());
        assertThat(create.get("outcome").asText()).isEqualTo("202");
        assertThat(create.get("request_id").asText()).isEqualTo(requestId);
        assertThat(create.get("user_agent").asText()).isEqualTo("audit-test/1.0");
        assertThat(create.get("client_address").asText()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(create.get("at").asText()).isNotEmpty();
        JsonNode invite = only(rows, "invite-user");
        assertThat(invite.get("outcome").asText()).isEqualTo("201");
        JsonNode accept = only(rows, "accept-invitation");
        assertThat(accept.get("token_name").isNull()).as("the link is the credential").isTrue();
        assertThat(accept.get("outcome").asText()).isEqualTo("200");
        assertThat(accept.get("request_id").asText()).isNotBlank();
        JsonNode provisioned = await().atMost(Duration.ofSeconds(30)).until(() -> admin.get(
                "/api/v1/audit?action=tenant.provisioned&tenant_id=" + tenantId).body().get("items"), items -> items.size() == 1);
        assertThat(provisioned.get(0).get("outcome").asText()).isEqualTo("occurred");
        assertThat(provisioned.get(0).get("request_id").asText()).as("the event of the operation the request started")
                .isEqualTo(requestId);

        JsonNode tokenCreation = admin.get("/api/v1/audit?action=create-token&limit=500").body().get("items");
        assertThat(tokenCreation.findValuesAsText("outcome")).contains("201");
        assertThat(tokenCreation.findValuesAsText("token_name")).contains("bootstrap-admin");

        // Nothing secret anywhere in the audit log: the tokens made, the link's token, the password.
        String everything = String.join("\n", service.catalog().platform("SELECT audit_log::text FROM audit_log"));
        String listing = admin.get("/api/v1/tokens").raw().body();
        List<String> secrets = new ArrayList<>(tokensMade);
        secrets.add(password);
        secrets.add(link.substring(link.lastIndexOf('/') + 1));
        secrets.add(RunningService.TOKEN);
        for (String secret : secrets) {
            assertThat(everything).doesNotContain(secret);
            assertThat(listing).doesNotContain(secret);
        }
        assertThat(everything).contains(requestId);
    }

    @Test
    void theAuditLogPagesNewestFirstAndChecksItsFilters() {
        for (int i = 0; i < 3; i++) {
            admin.post("/api/v1/tenants/" + UUID.randomUUID() + "/resume", "");
        }
        ApiClient.Response first = admin.get("/api/v1/audit?action=resume-tenant&limit=2");
        assertThat(first.body().get("items")).hasSize(2);
        String cursor = first.body().get("next_cursor").asText();
        JsonNode second = admin.get("/api/v1/audit?action=resume-tenant&limit=2&cursor=" + cursor).body();
        assertThat(second.get("items")).isNotEmpty();
        assertThat(OffsetDateTime.parse(second.get("items").get(0).get("at").asText()))
                .isBeforeOrEqualTo(OffsetDateTime.parse(first.body().get("items").get(1).get("at").asText()));
        assertThat(admin.get("/api/v1/audit?since=" + OffsetDateTime.now().plusDays(1).toInstant()).body().get("items"))
                .isEmpty();
        assertField(admin.get("/api/v1/audit?since=yesterday"), "since");
        assertField(admin.get("/api/v1/audit?tenant_id=nope"), "tenant_id");
        assertField(admin.get("/api/v1/audit?limit=0"), "limit");
    }

    @Test
    void theServiceRoleCannotChangeOrDeleteAuditRows() throws Exception {
        admin.post("/api/v1/tenants/" + UUID.randomUUID() + "/suspend", "{\"reason\":\"x\"}");
        var pg = TestPostgres.cluster();
        // The same role and database the service's pool uses.
        try (Connection connection = pg.connect(PLATFORM); Statement statement = connection.createStatement()) {
            assertThat(service.catalog().platform("SELECT count(*) > 0 FROM audit_log")).containsExactly("t");
            for (String change : List.of("UPDATE audit_log SET outcome = '200'", "DELETE FROM audit_log",
                    "TRUNCATE audit_log")) {
                assertThatThrownBy(() -> statement.execute(change)).as(change).isInstanceOf(SQLException.class)
                        .hasMessageContaining("append-only");
            }
        }
    }

    @Test
    void everyResponseCarriesARequestId() {
        String mine = "client-chosen.id:42";
        assertThat(admin.withHeader("X-Request-Id", mine).get("/api/v1/operations").header("X-Request-Id"))
                .contains(mine);
        String generated = admin.get("/api/v1/operations").header("X-Request-Id").orElseThrow();
        assertThat(UUID.fromString(generated)).isNotNull();
        String insane = admin.withHeader("X-Request-Id", "two words\u00e9").get("/api/v1/operations")
                .header("X-Request-Id").orElseThrow();
        assertThat(insane).isNotEqualTo("two words\u00e9");
        assertThat(UUID.fromString(insane)).isNotNull();
        assertThat(admin.withHeader("X-Request-Id", "x".repeat(129)).get("/api/v1/operations").header("X-Request-Id"))
                .isNotEqualTo(java.util.Optional.of("x".repeat(129)));
        assertThat(admin.withToken(null).withHeader("X-Request-Id", mine).get("/api/v1/operations").header("X-Request-Id"))
                .as("a 401 at the front gate too").contains(mine);
        assertThat(admin.get("/api/v1/nowhere").header("X-Request-Id")).as("a 404").isPresent();
        assertThat(admin.get("/observe/health").header("X-Request-Id")).isPresent();
        assertThat(admin.withToken(null).withHeader("X-Request-Id", mine).post("/api/v1/tenants", "{}").status())
                .isEqualTo(401);
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.get("/api/v1/audit?action=refused-at-front-door")
                .body().get("items").findValuesAsText("request_id").contains(mine));
    }

    private static JsonNode findToken(String tokenId) {
        for (JsonNode token : admin.get("/api/v1/tokens").body().get("items")) {
            assertThat(token.has("token")).isFalse();
            if (token.get("token_id").asText().equals(tokenId)) {
                return token;
            }
        }
        throw new AssertionError("token " + tokenId + " not listed");
    }

    private static JsonNode only(JsonNode rows, String action) {
        List<JsonNode> found = new ArrayList<>();
        rows.forEach(row -> {
            if (row.get("action").asText().equals(action)) {
                found.add(row);
            }
        });
        assertThat(found).as(action + " in " + rows).hasSize(1);
        return found.get(0);
    }
}
