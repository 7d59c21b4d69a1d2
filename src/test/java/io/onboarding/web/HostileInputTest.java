package io.onboarding.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.RunningService;
import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantRole;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile strings in every field of every endpoint, in query parameters and path ids, in inbox files
 * (json, ndjson, csv) and on JMS: each is refused with a 4xx in the error shape or stored exactly as
 * given and read back; never a 5xx, never a half-created tenant (no row, database or role for a
 * refused request), and the value of HOME never appears in a reply.
 */
class HostileInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JMS_PASSWORD = "jms-hostile-password-0123";
    private static final String HOME = System.getenv().getOrDefault("HOME", "/nonexistent-home");

    /** Name → hostile value. None starts or ends with white space (free text is stored trimmed). */
    static final Map<String, String> PAYLOADS = payloads();

    private static Map<String, String> payloads() {
        Map<String, String> payloads = new LinkedHashMap<>();
        payloads.put("sql", "'; DROP ROLE postgres; --");
        payloads.put("dollar-quote", "$$; DROP DATABASE postgres; $$");
        payloads.put("double-quote", "a\"b\"; DROP TABLE tenants; --");
        payloads.put("backslash", "a\\b\\\\c\\'");
        payloads.put("rtl", "abc\u202Egnp.exe\u202C");
        payloads.put("emoji", "tenant 🚀👩‍💻");
        payloads.put("combining", "Ze\u0301\u0308\u0489ro");
        payloads.put("nul", "a\u0000b");
        payloads.put("long", "x".repeat(10_000));
        payloads.put("traversal", "../../etc/passwd");
        payloads.put("camel-env", "{{env:HOME}}");
        payloads.put("simple-env", "${env:HOME}");
        payloads.put("jndi", "${jndi:ldap://127.0.0.1:1389/a}");
        payloads.put("crlf", "a\r\nX-Injected: yes\r\n\r\n<b>");
        return payloads;
    }

    static Stream<Arguments> payloadCases() {
        return PAYLOADS.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    /** Fields of a create-tenant request, dotted for nested objects, {@code []} for an array item. */
    private static final List<String> CREATE_FIELDS = List.of("tenant_id", "tenant_name", "plan", "region",
            "monitoring_level", "admin_email", "backup_policy.schedule", "backup_policy.retention_days",
            "backup_policy.backup_type", "backup_policy.encryption_level", "backup_policy.storage_location",
            "auth_providers.github.client_id", "auth_providers.github.client_secret",
            "auth_providers.github.organization", "auth_providers.github.teams[]");

    private static RunningService service;
    private static ApiClient api;
    private static Catalog catalog;
    private static Path inbox;
    private static ActiveMQConnectionFactory broker;
    /** Tenant ids of refused requests: none may leave a row, a database or a role. */
    private static final List<UUID> REFUSED = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        inbox = Files.createTempDirectory("hostile-inbox");
        service = RunningService.start("platform_hostile_test", Map.of(
                "onboarding.inbox-dir", inbox.toString(), "onboarding.inbox.poll-interval-ms", "200",
                "onboarding.inbox.read-lock-check-ms", "300", "onboarding.inbox.read-lock-min-age-ms", "600",
                "onboarding.jms.password", JMS_PASSWORD, "onboarding.approval.plans", "enterprise"));
        api = service.api();
        catalog = service.catalog();
        broker = service.jmsClient();
    }

    @AfterAll
    static void stop() {
        try {
            assertNothingLeftForRefused();
        } finally {
            broker.close();
            service.close();
        }
    }

    private static void assertNothingLeftForRefused() {
        for (UUID tenantId : REFUSED) {
            assertThat(catalog.platform("SELECT count(*) FROM tenants WHERE tenant_id = ?", tenantId))
                    .as("tenant row of refused %s", tenantId).containsExactly("0");
            assertThat(catalog.databaseExists(TenantNaming.databaseName(tenantId))).as("database").isFalse();
            for (TenantRole role : TenantRole.values()) {
                assertThat(catalog.roleExists(TenantNaming.roleName(tenantId, role))).as("role").isFalse();
            }
        }
    }

    // --- REST: create --------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloadCases")
    void createTenantRefusesOrStoresEveryField(String name, String payload) {
        List<String[]> accepted = new ArrayList<>();
        for (String field : CREATE_FIELDS) {
            UUID tenantId = UUID.randomUUID();
            ObjectNode body = createRequest(tenantId);
            set(body, field, payload);
            ApiClient.Response reply = api.post("/api/v1/tenants", body.toString());
            assertSafe(reply, "POST /tenants " + field);
            if (reply.status() == 202) {
                accepted.add(new String[] {tenantId.toString(), reply.body().get("operation_id").asText(), field});
            } else if (!field.equals("tenant_id")) {
                REFUSED.add(tenantId);
            }
        }
        // A hostile field name, and the payload as the whole body.
        UUID tenantId = UUID.randomUUID();
        ObjectNode body = createRequest(tenantId);
        body.put(payload, "x");
        assertRefused(api.post("/api/v1/tenants", body.toString()), "POST /tenants field name");
        REFUSED.add(tenantId);
        assertRefused(api.post("/api/v1/tenants", payload), "POST /tenants body");
        // What was accepted is stored as given: the GitHub client id and team come back as sent.
        for (String[] one : accepted) {
            assertThat(service.awaitOperation(one[1]).get("status").asText()).as(one[2]).isEqualTo("succeeded");
            JsonNode github = api.get("/api/v1/tenants/" + one[0] + "/auth-providers").body().get("github");
            JsonNode stored = one[2].endsWith("teams[]") ? github.get("teams").get(0)
                    : github.get(one[2].substring(one[2].lastIndexOf('.') + 1));
            if (!one[2].endsWith("client_secret")) {
                assertThat(stored.asText()).as(one[2]).isEqualTo(payload);
            }
        }
    }

    private static ObjectNode createRequest(UUID tenantId) {
        ObjectNode body = JSON.createObjectNode();
        body.put("tenant_id", tenantId.toString());
        body.put("tenant_name", "Hostile " + tenantId.toString().substring(0, 13));
        body.put("plan", "free");
        body.put("region", "local");
        body.put("monitoring_level", "basic");
        body.put("admin_email", "admin-" + tenantId.toString().substring(0, 8) + "@example.test");
        ObjectNode policy = body.putObject("backup_policy");
        policy.put("schedule", "0 3 * * *");
        policy.put("retention_days", 7);
        policy.put("backup_type", "full");
        policy.put("encryption_level", "standard");
        policy.put("storage_location", "local");
        ObjectNode github = body.putObject("auth_providers").putObject("github");
        github.put("client_id", "client-id");
        github.put("client_secret", "client-secret-" + tenantId);
        github.put("organization", "acme");
        github.putArray("teams").add("platform");
        return body;
    }

    /** Sets a dotted field ({@code a.b}, {@code a.b[]} for the first item of an array) to a value. */
    private static void set(ObjectNode body, String field, String value) {
        String[] parts = field.split("\\.");
        ObjectNode node = body;
        for (int i = 0; i < parts.length - 1; i++) {
            node = (ObjectNode) node.get(parts[i]);
        }
        String last = parts[parts.length - 1];
        if (last.endsWith("[]")) {
            ArrayNode array = node.putArray(last.substring(0, last.length() - 2));
            array.add(value);
        } else {
            node.put(last, value);
        }
    }

    // --- REST: a tenant's endpoints ------------------------------------------------------------

    @Test
    void everyFieldOfATenantsEndpoints() throws Exception {
        UUID tenantId = service.activeTenant("free", null);
        String tenant = "/api/v1/tenants/" + tenantId;
        String tenantName = api.get(tenant).body().get("tenant_name").asText();
        int users = 0;
        for (Map.Entry<String, String> hostile : PAYLOADS.entrySet()) {
            String payload = hostile.getValue();
            String quoted = JSON.writeValueAsString(payload);
            for (String field : List.of("plan", "monitoring_level")) {
                assertRefused(api.patch(tenant, "{\"" + field + "\":" + quoted + "}"), "PATCH " + field);
            }
            assertRefused(api.patch(tenant, "{\"backup_policy\":{\"schedule\":" + quoted + "}}"), "PATCH schedule");
            assertRefused(api.patch(tenant, "{\"backup_policy\":{\"storage_location\":" + quoted + "}}"),
                    "PATCH storage_location");
            assertRefused(api.patch(tenant, "{" + quoted + ":\"free\"}"), "PATCH field name");

            assertRefused(clientFor(payload).delete(tenant + "?confirm=" + query(payload)), "DELETE confirm");
            assertRefused(api.post(tenant + "/approve", "{\"approved_by\":" + quoted + ",\"note\":" + quoted + "}"),
                    "approve an active tenant");
            assertRefused(api.post(tenant + "/reject", "{\"reason\":" + quoted + "}"), "reject an active tenant");
            assertRefused(api.post(tenant + "/restore", "{\"backup_id\":" + quoted + "}"), "restore backup_id");

            for (String field : List.of("email", "role")) {
                ObjectNode invite = invitation(users);
                invite.put(field, payload);
                assertRefused(api.post(tenant + "/users", invite.toString()), "invite " + field);
            }
            for (String field : List.of("teams[]", "invited_by")) {
                ObjectNode invite = invitation(++users);
                set(invite, field, payload);
                ApiClient.Response reply = api.post(tenant + "/users", invite.toString());
                assertSafe(reply, "invite " + field);
                if (reply.status() == 201) {
                    JsonNode listed = findUser(tenant, reply.body().get("user_id").asText());
                    JsonNode stored = field.equals("teams[]") ? listed.get("teams").get(0) : listed.get("invited_by");
                    assertThat(stored.asText()).as("invite " + field).isEqualTo(payload);
                }
            }
            for (String field : List.of("client_id", "client_secret", "organization", "teams[]")) {
                ObjectNode providers = JSON.createObjectNode();
                ObjectNode github = providers.putObject("github");
                github.put("client_id", "client-id");
                github.put("client_secret", "client-secret");
                github.put("organization", "acme");
                set(github, field, payload);
                ApiClient.Response reply = api.put(tenant + "/auth-providers", providers.toString());
                assertSafe(reply, "auth-providers " + field);
                if (reply.status() == 200 && !field.equals("client_secret")) {
                    JsonNode stored = api.get(tenant + "/auth-providers").body().get("github");
                    stored = field.equals("teams[]") ? stored.get("teams").get(0) : stored.get(field);
                    assertThat(stored.asText()).as("auth-providers " + field).isEqualTo(payload);
                }
            }

            ApiClient.Response suspended = api.post(tenant + "/suspend", "{\"reason\":" + quoted + "}");
            assertSafe(suspended, "suspend reason");
            if (suspended.status() == 202) {
                assertThat(service.awaitOperation(suspended.body().get("operation_id").asText()).get("status")
                        .asText()).isEqualTo("succeeded");
                assertThat(api.get(tenant).body().get("suspension_reason").asText()).as("suspension_reason of "
                        + hostile.getKey()).isEqualTo(payload);
                ApiClient.Response resumed = api.post(tenant + "/resume", "");
                assertThat(service.awaitOperation(resumed.body().get("operation_id").asText()).get("status")
                        .asText()).isEqualTo("succeeded");
            }
        }
        JsonNode after = api.get(tenant).body();
        assertThat(after.get("status").asText()).isEqualTo("active");
        assertThat(after.get("tenant_name").asText()).isEqualTo(tenantName);
        assertThat(after.get("plan").asText()).isEqualTo("free");
    }

    private static ObjectNode invitation(int n) {
        ObjectNode invite = JSON.createObjectNode();
        invite.put("email", "user" + n + "-" + UUID.randomUUID().toString().substring(0, 6) + "@example.test");
        invite.put("role", "developer");
        invite.putArray("teams").add("platform");
        invite.put("invited_by", "ops@example.test");
        return invite;
    }

    private static JsonNode findUser(String tenant, String userId) {
        for (JsonNode user : api.get(tenant + "/users").body().get("items")) {
            if (user.get("user_id").asText().equals(userId)) {
                return user;
            }
        }
        throw new AssertionError("user " + userId + " not listed");
    }

    @Test
    void approvalsBackupsRestoreAndRollout() throws Exception {
        // A tenant awaiting approval: hostile decisions are refused or recorded; the unicode one approves it.
        UUID waiting = awaitingTenant();
        for (Map.Entry<String, String> hostile : PAYLOADS.entrySet()) {
            String quoted = JSON.writeValueAsString(hostile.getValue());
            ApiClient.Response reply = api.post("/api/v1/tenants/" + waiting + "/reject", "{\"reason\":" + quoted + "}");
            assertSafe(reply, "reject reason " + hostile.getKey());
            if (reply.status() == 202) {
                JsonNode operation = service.awaitOperation(reply.body().get("operation_id").asText());
                assertThat(operation.get("status").asText()).isEqualTo("failed");
                assertThat(catalog.platform("SELECT note FROM tenant_approvals WHERE tenant_id = ?", waiting))
                        .as("the reason stored as given").containsExactly(hostile.getValue());
                assertThat(catalog.databaseExists(TenantNaming.databaseName(waiting))).isFalse();
                waiting = awaitingTenant();
            }
        }
        ApiClient.Response approved = api.post("/api/v1/tenants/" + waiting + "/approve",
                "{\"approved_by\":" + JSON.writeValueAsString(PAYLOADS.get("emoji")) + ",\"note\":"
                        + JSON.writeValueAsString(PAYLOADS.get("combining")) + "}");
        assertSafe(approved, "approve");
        assertThat(service.awaitOperation(approved.body().get("operation_id").asText()).get("status").asText())
                .isEqualTo("succeeded");

        // Backups take no body: a hostile one is not read. Restore's target_database must be a new name.
        String backups = "/api/v1/tenants/" + waiting + "/backups";
        ApiClient.Response backup = api.post(backups, "{\"x\":" + JSON.writeValueAsString(PAYLOADS.get("sql")) + "}");
        assertSafe(backup, "backup");
        assertThat(service.awaitOperation(backup.body().get("operation_id").asText()).get("status").asText())
                .isEqualTo("succeeded");
        String backupId = api.get(backups).body().get("items").get(0).get("backup_id").asText();
        ApiClient.Response unknownField = api.post("/api/v1/tenants/" + waiting + "/restore", "{\"backup_id\":\""
                + backupId + "\",\"in_place\":true}");
        assertRefused(unknownField, "restore with an unknown field");
        assertThat(unknownField.body().toString()).contains("\"field\":\"in_place\"");
        for (String payload : PAYLOADS.values()) {
            assertRefused(api.post("/api/v1/tenants/" + waiting + "/restore", "{\"backup_id\":\"" + backupId
                    + "\",\"target_database\":" + JSON.writeValueAsString(payload) + "}"), "restore target_database");
        }
        ApiClient.Response rollout = api.post("/api/v1/tenant-schema/rollout",
                "{\"x\":" + JSON.writeValueAsString(PAYLOADS.get("crlf")) + "}");
        assertSafe(rollout, "rollout");
        assertThat(rollout.status()).isIn(202, 409);
    }

    private static UUID awaitingTenant() {
        UUID tenantId = UUID.randomUUID();
        ApiClient.Response accepted = api.post("/api/v1/tenants", "{\"tenant_id\":\"" + tenantId
                + "\",\"tenant_name\":\"Waiting " + tenantId.toString().substring(0, 13)
                + "\",\"plan\":\"enterprise\",\"region\":\"local\"}");
        assertThat(accepted.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/api/v1/tenants/" + tenantId).body()
                .get("status").asText().equals("awaiting_approval"));
        return tenantId;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloadCases")
    void pathIdsAndQueryParameters(String name, String payload) {
        String segment = query(payload).replace("+", "%20");
        for (String path : List.of("/api/v1/tenants/" + segment, "/api/v1/tenants/" + segment + "/users",
                "/api/v1/tenants/" + segment + "/backups", "/api/v1/tenants/" + segment + "/auth-providers",
                "/api/v1/operations/" + segment, "/api/v1/invitations/" + segment)) {
            assertRefused(clientFor(payload).get(path), "GET " + path);
        }
        assertRefused(clientFor(payload).post("/api/v1/tenants/" + segment + "/suspend", "{\"reason\":\"x\"}"), "suspend path");
        assertRefused(clientFor(payload).post("/api/v1/tenants/" + segment + "/resume", ""), "resume path");
        assertRefused(clientFor(payload).delete("/api/v1/tenants/" + segment + "?confirm=x"), "DELETE path");
        assertRefused(clientFor(payload).delete("/api/v1/tenants/" + UUID.randomUUID() + "/users/" + segment), "DELETE user path");
        assertRefused(clientFor(payload).post("/api/v1/invitations/" + segment + "/accept", ""), "accept path");
        String value = query(payload);
        for (String list : List.of("/api/v1/tenants?status=", "/api/v1/tenants?plan=", "/api/v1/tenants?limit=",
                "/api/v1/tenants?cursor=", "/api/v1/operations?tenant_id=", "/api/v1/operations?type=",
                "/api/v1/operations?status=", "/api/v1/operations?limit=", "/api/v1/operations?cursor=",
                "/api/v1/operations/" + UUID.randomUUID() + "?wait=")) {
            ApiClient.Response reply = clientFor(payload).get(list + value);
            assertSafe(reply, "GET " + list);
            if (reply.status() == 200) {
                assertThat(reply.body().get("items")).as(list).isEmpty();
            }
        }
    }

    // --- inbox and JMS -------------------------------------------------------------------------

    /** The fields a batch record or a JMS message carries hostile values in (the validator is shared). */
    private static final List<String> INBOUND_FIELDS = List.of("tenant_id", "tenant_name", "plan", "region",
            "admin_email", "backup_policy.schedule", "backup_policy.storage_location");

    @Test
    void inboxFilesOfEveryFormat() throws Exception {
        int file = 0;
        Map<String, List<UUID>> ids = new LinkedHashMap<>();
        for (String payload : PAYLOADS.values()) {
            List<ObjectNode> records = new ArrayList<>();
            List<UUID> recordIds = new ArrayList<>();
            for (String field : INBOUND_FIELDS) {
                UUID tenantId = UUID.randomUUID();
                ObjectNode record = createRequest(tenantId);
                record.remove("auth_providers"); // CSV cannot carry it
                set(record, field, payload);
                records.add(record);
                recordIds.add(field.equals("tenant_id") ? null : tenantId);
            }
            file++;
            StringBuilder ndjson = new StringBuilder();
            records.forEach(record -> ndjson.append(record).append('\n'));
            write("hostile-" + file + ".json", JSON.writeValueAsString(records));
            write("hostile-" + file + ".ndjson", ndjson.toString());
            write("hostile-" + file + ".csv", csv(records));
            for (String ext : List.of(".json", ".ndjson", ".csv")) {
                ids.put("hostile-" + file + ext, recordIds);
            }
        }
        for (Map.Entry<String, List<UUID>> one : ids.entrySet()) {
            Path report = inbox.resolve(".results").resolve(one.getKey() + ".result.ndjson");
            await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(inbox.resolve(".done").resolve(one.getKey()))
                    || Files.exists(inbox.resolve(".failed").resolve(one.getKey())));
            assertThat(inbox.resolve(".done").resolve(one.getKey())).as(one.getKey() + " read to the end").exists();
            List<String> lines = Files.readAllLines(report);
            assertThat(lines).as(one.getKey()).hasSize(INBOUND_FIELDS.size());
            for (int i = 0; i < lines.size(); i++) {
                JsonNode line = JSON.readTree(lines.get(i));
                assertThat(line.toString()).as(one.getKey()).doesNotContain(HOME);
                assertThat(line.has("error")).as(one.getKey() + " " + line).isTrue();
                assertThat(line.get("error").get("code").asText()).as(one.getKey()).isEqualTo("validation_failed");
                if (one.getValue().get(i) != null) {
                    REFUSED.add(one.getValue().get(i));
                }
            }
        }
    }

    private static void write(String file, String content) throws Exception {
        Path partial = Files.createTempFile(inbox.getParent(), "partial", ".tmp");
        Files.writeString(partial, content);
        Files.move(partial, inbox.resolve(file));
    }

    private static String csv(List<ObjectNode> records) throws Exception {
        List<String> header = List.of("tenant_id", "tenant_name", "plan", "region", "monitoring_level", "admin_email",
                "backup_policy.schedule", "backup_policy.retention_days", "backup_policy.backup_type",
                "backup_policy.encryption_level", "backup_policy.storage_location");
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.DEFAULT.builder()
                .setHeader(header.toArray(String[]::new)).build())) {
            for (ObjectNode record : records) {
                List<String> row = new ArrayList<>();
                for (String column : header) {
                    JsonNode node = record;
                    for (String part : column.split("\\.")) {
                        node = node.get(part);
                    }
                    row.add(node.asText());
                }
                printer.printRecord(row);
            }
        }
        return out.toString();
    }

    @Test
    void jmsMessages() throws Exception {
        try (JMSContext context = broker.createContext()) {
            for (Map.Entry<String, String> hostile : PAYLOADS.entrySet()) {
                for (String field : INBOUND_FIELDS) {
                    UUID tenantId = UUID.randomUUID();
                    ObjectNode request = createRequest(tenantId);
                    set(request, field, hostile.getValue());
                    JsonNode reply = jmsRequest(context, request.toString());
                    assertThat(reply).as(hostile.getKey() + " " + field + ": a reply").isNotNull();
                    assertThat(reply.toString()).doesNotContain(HOME);
                    assertThat(reply.path("error").path("code").asText()).as(hostile.getKey() + " " + field)
                            .isEqualTo("validation_failed");
                    if (!field.equals("tenant_id")) {
                        REFUSED.add(tenantId);
                    }
                }
                JsonNode raw = jmsRequest(context, hostile.getValue());
                assertThat(raw.path("error").path("code").asText()).as(hostile.getKey() + " as the body")
                        .isEqualTo("validation_failed");
            }
            assertThat(context.createBrowser(context.createQueue("tenant.requests.DLQ")).getEnumeration()
                    .hasMoreElements()).as("nothing dead-lettered").isFalse();
        }
    }

    private static JsonNode jmsRequest(JMSContext context, String body) throws Exception {
        TemporaryQueue replies = context.createTemporaryQueue();
        TextMessage message = context.createTextMessage(body);
        message.setJMSReplyTo(replies);
        context.createProducer().send(context.createQueue("tenant.requests"), message);
        Message reply = context.createConsumer(replies).receive(30_000);
        return reply == null ? null : JSON.readTree(reply.getBody(String.class));
    }

    // --- checks --------------------------------------------------------------------------------

    private static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * The client for a request with this payload in its request line: one on its own connections when
     * the line is over the server's limit (4,096), as the server closes the connection after its 414.
     */
    private static ApiClient clientFor(String payload) {
        return query(payload).length() > 4_000 ? api.onOwnConnections() : api;
    }

    /** Never a 5xx; a 4xx in the error shape; HOME's value nowhere in the reply. */
    private static void assertSafe(ApiClient.Response reply, String what) {
        String body = reply.raw().body();
        assertThat(reply.status()).as(what + ": " + abbreviate(body)).isLessThan(500);
        assertThat(body).as(what).doesNotContain(HOME);
        reply.raw().headers().map().forEach((header, values) ->
                assertThat(header.toLowerCase()).as(what + " header").isNotEqualTo("x-injected"));
        // A request line over the HTTP server's limit (a 10,000-character path id or query value) is
        // refused by the server itself before any route, with its own status and an empty body.
        boolean refusedByServer = body.isEmpty() && reply.status() >= 400 && reply.status() < 500;
        if (reply.status() >= 400 && !refusedByServer) {
            assertThat(reply.body()).as(what + ": error shape of " + abbreviate(body)).isNotNull();
            assertThat(reply.body().path("error").path("code").asText()).as(what).isNotEmpty();
        }
    }

    private static void assertRefused(ApiClient.Response reply, String what) {
        assertSafe(reply, what);
        assertThat(reply.status()).as(what + ": " + abbreviate(reply.raw().body())).isBetween(400, 499);
    }

    private static String abbreviate(String body) {
        return body == null || body.length() < 300 ? body : body.substring(0, 300) + "…";
    }
}
