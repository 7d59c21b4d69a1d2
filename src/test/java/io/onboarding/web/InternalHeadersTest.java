package io.onboarding.web;

import io.onboarding.kit.ApiRequests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.ApiClient;
import io.onboarding.support.RunningService;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Headers from outside never stand in for the ones the routes use themselves: every name of
 * {@link InternalHeaders#NAMES} (and Camel's own names, in any case) sent as an HTTP header and as a
 * query parameter leaves the call's answer and its audit row as they are; a JMS property of such a
 * name does not become a header (so it is not echoed in the reply). The list itself is checked
 * against every header name the routes and the Java code use.
 */
class InternalHeadersTest {

    private static final String PLATFORM = "platform_internal_headers_test";
    private static final String JMS_PASSWORD = "jms-internal-headers-0123";
    /** Camel's names, as a caller might spell them: Camel's own filter only knew "Camel" and "camel". */
    private static final List<String> CAMEL_NAMES = List.of("CamelHttpResponseCode", "CAMELHTTPRESPONSECODE",
            "CamelHttpPath", "cAmElHttpUri", "org.apache.camel.Anything", "CamelVertxPlatformHttpRemoteAddress");

    private static RunningService service;
    private static ApiClient admin;

    @BeforeAll
    static void start() throws Exception {
        service = RunningService.start(PLATFORM, Map.of("onboarding.jms.password", JMS_PASSWORD));
        admin = service.api();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static List<String> everyName() {
        List<String> names = new ArrayList<>(new TreeSet<>(InternalHeaders.NAMES));
        names.addAll(CAMEL_NAMES);
        return names;
    }

    @Test
    void noHeaderOrQueryParameterFromOutsideChangesTheCallOrItsAuditRow() {
        UUID pathTenant = UUID.randomUUID();
        String foreign = UUID.randomUUID().toString();
        List<String> invites = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (String name : everyName()) {
            for (boolean asQuery : new boolean[] {false, true}) {
                String how = name + (asQuery ? " as a query parameter" : " as a header");
                String query = asQuery ? "?" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + foreign : "";
                ApiClient client = asQuery ? admin : admin.withHeader(name, foreign);

                String inviteId = "hdr-" + UUID.randomUUID();
                ApiClient.Response invite = client.withHeader("X-Request-Id", inviteId)
                        .post("/api/v1/tenants/" + pathTenant + "/users" + query, "{}");
                assertThat(invite.status()).as(how).isEqualTo(400);
                assertThat(invite.body().get("error").get("details").findValuesAsText("field")).as(how)
                        .contains("email", "role");
                invites.add(inviteId + " " + how);

                String tokenId = "hdr-" + UUID.randomUUID();
                ApiClient.Response token = client.withHeader("X-Request-Id", tokenId).post("/api/v1/tokens" + query, "{}");
                assertThat(token.status()).as(how).isEqualTo(400);
                assertThat(token.body().get("error").get("details").findValuesAsText("field")).as(how)
                        .contains("name", "scopes");
                tokens.add(tokenId + " " + how);
            }
        }
        JsonNode inviteRows = admin.get("/api/v1/audit?action=invite-user&limit=500").body().get("items");
        for (String sent : invites) {
            JsonNode row = row(inviteRows, sent.substring(0, sent.indexOf(' ')));
            assertThat(row).as(sent).isNotNull();
            assertThat(row.get("tenant_id").asText()).as(sent + ": the path's tenant").isEqualTo(pathTenant.toString());
            assertThat(row.get("outcome").asText()).as(sent).isEqualTo("400");
            assertThat(row.get("token_name").asText()).as(sent).isEqualTo("bootstrap-admin");
        }
        JsonNode tokenRows = admin.get("/api/v1/audit?action=create-token&limit=500").body().get("items");
        for (String sent : tokens) {
            JsonNode row = row(tokenRows, sent.substring(0, sent.indexOf(' ')));
            assertThat(row).as(sent).isNotNull();
            assertThat(row.get("tenant_id").isNull()).as(sent + ": no tenant at all, got " + row.get("tenant_id")).isTrue();
            assertThat(row.get("outcome").asText()).as(sent).isEqualTo("400");
        }
    }

    @Test
    void aHeaderNamedLikeAQueryParameterIsNotOne() {
        UUID tenantId = service.activeTenant("free", null);
        String name = admin.get("/api/v1/tenants/" + tenantId).body().get("tenant_name").asText();
        // The confirmation of a destroy is the query parameter, not a header of its name.
        ApiClient.Response refused = admin.withHeader("confirm", name).delete("/api/v1/tenants/" + tenantId);
        assertThat(refused.status()).as(String.valueOf(refused.body())).isEqualTo(400);
        assertThat(refused.body().get("error").get("details").findValuesAsText("field")).contains("confirm");
        assertThat(admin.get("/api/v1/tenants/" + tenantId).body().get("status").asText()).isEqualTo("active");
        // A listing filter likewise: a tenant_id header filters nothing.
        JsonNode all = admin.withHeader("tenant_id", UUID.randomUUID().toString())
                .get("/api/v1/operations?tenant_id=" + tenantId).body().get("items");
        assertThat(all.findValuesAsText("tenant_id")).isNotEmpty().containsOnly(tenantId.toString());
    }

    @Test
    void aJmsPropertyNamedLikeAnInternalHeaderDoesNotBecomeOne() throws Exception {
        ActiveMQConnectionFactory broker = service.jmsClient();
        List<String> names = everyName().stream()
                .filter(name -> name.matches("[A-Za-z_][A-Za-z0-9_]*") && !name.startsWith("JMS")).toList();
        String foreign = UUID.randomUUID().toString();
        try (broker; JMSContext context = broker.createContext()) {
            TextMessage message = context.createTextMessage("{\"tenant_name\":\"\"}");
            for (String name : names) {
                message.setStringProperty(name, foreign);
            }
            message.setStringProperty("harmless", "kept");
            message.setJMSReplyTo(context.createTemporaryQueue());
            context.createProducer().send(context.createQueue("tenant.requests"), message);
            Message reply = context.createConsumer(message.getJMSReplyTo()).receive(30_000);
            assertThat(reply).as("a reply on JMSReplyTo").isNotNull();
            assertThat(reply.getBody(String.class)).contains("\"error\"").doesNotContain(foreign);
            List<String> properties = Collections.list((java.util.Enumeration<String>) reply.getPropertyNames());
            assertThat(properties).as("the request's properties the reply carries back").contains("harmless");
            for (String name : names) {
                assertThat(properties).as(name).noneMatch(property -> property.equalsIgnoreCase(name));
            }
        }
    }

    /** Every header name the routes and the Java code use is in the list, or is a real HTTP header. */
    @Test
    void everyHeaderNameTheCodeUsesIsInTheList() throws IOException {
        Set<String> used = new TreeSet<>();
        try (Stream<Path> routes = Files.list(Path.of("routes"))) {
            for (Path file : routes.filter(path -> path.toString().endsWith(".yaml")).toList()) {
                String yaml = Files.readString(file);
                collect(yaml, "\\$\\{headers?\\.([A-Za-z0-9_-]+)\\}", used);
                collect(yaml, "setHeader:\\s*\\n\\s*name:\\s*([A-Za-z0-9_-]+)", used);
                collect(yaml, "- name:\\s*([A-Za-z0-9_]+)\\s*\\n\\s*type:\\s*query", used);
                Matcher paths = Pattern.compile("path:\\s*(\\S+)").matcher(yaml);
                while (paths.find()) {
                    collect(paths.group(1), "\\{([A-Za-z0-9_]+)\\}", used);
                }
            }
        }
        try (Stream<Path> sources = Files.walk(Path.of("src", "main", "java"))) {
            for (Path file : sources.filter(path -> path.toString().endsWith(".java")).toList()) {
                String java = Files.readString(file);
                collect(java, "(?:get|set|remove)Header\\(\\s*\"([^\"]+)\"", used);
                collect(java, "ApiRequests\\.(?:query|rawQuery|queryUuid|uuid)\\(exchange,\\s*\"([^\"]+)\"", used);
                collect(java, "call\\(\"direct:[^\"]+\",\\s*Map\\.of\\(\"([^\"]+)\"", used);
            }
        }
        assertThat(used).as("the scan finds the names it should").contains("tenantId", "token", "confirm", "wait",
                "event", "dashboardUid", "reason", "CamelHttpMethod");
        Set<String> http = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        http.addAll(InternalHeaders.HTTP);
        assertThat(used).allSatisfy(name -> assertThat(InternalHeaders.isInternal(name) || http.contains(name))
                .as("header %s: add it to InternalHeaders.NAMES (or HTTP, if it is a real HTTP header)", name).isTrue());
        assertThat(InternalHeaders.NAMES).allSatisfy(name -> assertThat(http).doesNotContain(name.toLowerCase(Locale.ROOT)));
    }

    private static void collect(String text, String regex, Set<String> into) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        while (matcher.find()) {
            into.add(matcher.group(1));
        }
    }

    private static JsonNode row(JsonNode rows, String requestId) {
        for (JsonNode row : rows) {
            if (requestId.equals(row.path("request_id").asText())) {
                return row;
            }
        }
        return null;
    }
}
