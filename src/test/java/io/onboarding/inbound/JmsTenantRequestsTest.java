package io.onboarding.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.onboarding.support.Catalog;
import io.onboarding.support.RunningService;
import io.onboarding.support.SecretsSeen;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.UUID;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests over JMS, against the service's embedded Artemis broker over TCP. */
class JmsTenantRequestsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JMS_PASSWORD = "jms-test-password-0123";
    private static RunningService service;
    private static Catalog catalog;
    private static ActiveMQConnectionFactory broker;

    @BeforeAll
    static void start() throws Exception {
        service = RunningService.start("platform_jms_test", Map.of("onboarding.jms.password", JMS_PASSWORD,
                "onboarding.jms.max-message-bytes", "65536"));
        catalog = service.catalog();
        broker = service.jmsClient();
    }

    @AfterAll
    static void stop() {
        broker.close();
        service.close();
    }

    /** Sends {@code body} to tenant.requests with a temporary reply queue; returns the message as sent (its id set). */
    private static TextMessage send(JMSContext context, String body) throws JMSException {
        TextMessage message = context.createTextMessage(body);
        message.setJMSReplyTo(context.createTemporaryQueue());
        context.createProducer().send(context.createQueue("tenant.requests"), message);
        return message;
    }

    /** The reply to a message {@link #send} sent, or null after 30 s. */
    private static Message reply(JMSContext context, Message sent) throws JMSException {
        return context.createConsumer(sent.getJMSReplyTo()).receive(30_000);
    }

    /**
     * What tenant.requests.invalid holds for this sent message only: the queue is shared by every test of
     * the class, and another test's refused request (a conflict is parked too) may be there first.
     */
    private static JMSConsumer parked(JMSContext context, Message sent) throws JMSException {
        return context.createConsumer(context.createQueue("tenant.requests.invalid"),
                "originalMessageId = '" + sent.getJMSMessageID() + "'");
    }

    private static String request(String name) {
        return "{\"tenant_name\":\"" + name + "\",\"plan\":\"standard\",\"region\":\"eu-west-1\"}";
    }

    @Test
    void aRequestWithReplyToIsAnsweredAndTheProvisionedEventIsPublished() throws Exception {
        String name = "Jms " + UUID.randomUUID().toString().substring(0, 8);
        try (JMSContext context = broker.createContext()) {
            JMSConsumer events = context.createConsumer(context.createTopic("tenant.events"));
            Message reply = reply(context, send(context, request(name)));
            assertThat(reply).as("a reply on JMSReplyTo").isNotNull();
            JsonNode answer = JSON.readTree(reply.getBody(String.class));
            assertThat(answer.get("status").asText()).isEqualTo("provisioning");
            String tenantId = answer.get("tenant_id").asText();
            assertThat(answer.get("operation_id").asText()).isNotEmpty();

            JsonNode provisioned = null;
            long deadline = System.currentTimeMillis() + 60_000;
            while (provisioned == null && System.currentTimeMillis() < deadline) {
                Message event = events.receive(1_000);
                if (event != null) {
                    JsonNode body = JSON.readTree(event.getBody(String.class));
                    if (body.get("tenant_id").asText().equals(tenantId)
                            && body.get("event").asText().equals("tenant.provisioned")) {
                        provisioned = body;
                    }
                }
            }
            assertThat(provisioned).as("tenant.provisioned on tenant.events").isNotNull();
            assertThat(provisioned.get("occurred_at").asText()).isNotEmpty();
            assertThat(catalog.platform("SELECT status || ' ' || tenant_name FROM tenants WHERE tenant_id = ?::uuid",
                    tenantId)).containsExactly("active " + name);
        }
    }

    @Test
    void anInvalidRequestGoesToTheInvalidQueueWithItsReasonAndIsNotRedelivered() throws Exception {
        String body = "{\"tenant_name\":\"Invalid " + UUID.randomUUID().toString().substring(0, 8)
                + "\",\"plan\":\"platinum\",\"region\":\"local\"}";
        try (JMSContext context = broker.createContext()) {
            TextMessage sent = send(context, body);

            JsonNode error = JSON.readTree(reply(context, sent).getBody(String.class));
            assertThat(error.get("error").get("code").asText()).isEqualTo("validation_failed");

            JMSConsumer invalid = parked(context, sent);
            Message parked = invalid.receive(30_000);
            assertThat(parked).isNotNull();
            assertThat(parked.getBody(String.class)).isEqualTo(body);
            assertThat(parked.getStringProperty("reason")).contains("plan").contains("must be one of");
            assertThat(parked.getJMSExpiration()).as("kept for a while, not for ever")
                    .isGreaterThan(System.currentTimeMillis());
            assertThat(invalid.receive(2_000)).as("handled once, not redelivered").isNull();

            TextMessage notJson = context.createTextMessage("not json at all");
            context.createProducer().send(context.createQueue("tenant.requests"), notJson);
            Message unreadable = parked(context, notJson).receive(30_000);
            assertThat(unreadable.getStringProperty("reason")).contains("not valid JSON");
        }
        assertThat(catalog.platform("SELECT count(*) FROM tenants WHERE plan = 'platinum'")).containsExactly("0");
    }

    @Test
    void theSameRequestSentTwiceIsAConflictNotASecondTenant() throws Exception {
        String name = "Once " + UUID.randomUUID().toString().substring(0, 8);
        try (JMSContext context = broker.createContext()) {
            TemporaryQueue replies = context.createTemporaryQueue();
            JMSConsumer answers = context.createConsumer(replies);
            TextMessage message = context.createTextMessage(request(name));
            message.setJMSReplyTo(replies);
            context.createProducer().send(context.createQueue("tenant.requests"), message);
            String first = JSON.readTree(answers.receive(30_000).getBody(String.class)).get("tenant_id").asText();
            // The same request again is another message: a name conflict, not a second tenant.
            TextMessage again = context.createTextMessage(request(name));
            again.setJMSReplyTo(replies);
            context.createProducer().send(context.createQueue("tenant.requests"), again);
            JsonNode second = JSON.readTree(answers.receive(30_000).getBody(String.class));
            assertThat(second.get("error").get("code").asText()).isEqualTo("conflict");
            assertThat(catalog.platform("SELECT tenant_id::text FROM tenants WHERE tenant_name = ?", name))
                    .containsExactly(first);
        }
    }

    @Test
    void anOversizedMessageIsRefusedUnreadAndNotCopiedToTheInvalidQueue() throws Exception {
        String marker = "oversized-" + UUID.randomUUID();
        String body = "{\"tenant_name\":\"" + marker + "x".repeat(70_000) + "\",\"plan\":\"free\",\"region\":\"local\"}";
        try (JMSContext context = broker.createContext()) {
            TextMessage sent = send(context, body);

            String reply = reply(context, sent).getBody(String.class);
            assertThat(reply.length()).isLessThan(1_000);
            JsonNode error = JSON.readTree(reply).get("error");
            assertThat(error.get("details").get(0).get("field").asText()).isEqualTo("body");
            assertThat(error.get("details").get(0).get("message").asText()).contains("65536");

            Message parked = parked(context, sent).receive(30_000);
            assertThat(parked).isNotNull();
            assertThat(parked.getBody(String.class)).isEmpty();
            assertThat(parked.getStringProperty("reason")).contains("65536").doesNotContain(marker);
        }
        assertThat(catalog.platform("SELECT count(*) FROM tenants WHERE tenant_name LIKE ?", marker + "%"))
                .containsExactly("0");
    }

    @Test
    void aMessageFarOverTheLimitIsRefusedByTheBrokerBeforeAnyoneReadsIt() throws Exception {
        // 1 MB of text: over the broker's cap for a 64 KiB limit (2 × 65536 + 64 KiB encoded), so it is
        // streamed to the broker as a large message and refused there, never delivered to the service.
        String marker = "far-over-" + UUID.randomUUID();
        String body = "{\"tenant_name\":\"" + marker + "x".repeat(1_000_000) + "\",\"plan\":\"free\",\"region\":\"local\"}";
        String handled = "onboarding_jms_messages_total{outcome=\"invalid\"}";
        double handledBefore = service.api().metric(handled);
        try (JMSContext context = broker.createContext()) {
            TextMessage message = context.createTextMessage(body);
            assertThatThrownBy(() -> context.createProducer().send(context.createQueue("tenant.requests"), message))
                    .hasMessageContaining("over the broker's limit of " + (2 * 65536 + 64 * 1024) + " bytes");
            assertThat(parked(context, message).receive(2_000)).as("never handed to the service").isNull();
        }
        // Not counted as handled either (NaN both times when no invalid request came before: no series yet).
        assertThat(Double.valueOf(service.api().metric(handled))).isEqualTo(Double.valueOf(handledBefore));
        // The refused message's file is gone from the broker's disk too.
        Path largeMessages = service.dataDir().resolve("artemis/large-messages");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try (Stream<Path> files = Files.list(largeMessages)) {
                assertThat(files).isEmpty();
            }
        });
        assertThat(catalog.platform("SELECT count(*) FROM tenants WHERE tenant_name LIKE ?", marker + "%"))
                .containsExactly("0");
    }

    private static String withSecret(String name, String plan, String secret) {
        return "{\"tenant_name\":\"" + name + "\",\"plan\":\"" + plan + "\",\"region\":\"local\",\"auth_providers\":"
                + "{\"oidc\":{\"issuer_url\":\"https://idp.example\",\"client_id\":\"onboarding\",\"client_secret\":\""
                + secret + "\"}}}";
    }

    @Test
    void theBrokerJournalIsPrivateAndAnInvalidCopyKeepsNoSecret() throws Exception {
        String secret = "oidc-secret-" + UUID.randomUUID();
        String invalidSecret = "oidc-secret-" + UUID.randomUUID();
        SecretsSeen.record(secret);
        SecretsSeen.record(invalidSecret);
        try (JMSContext context = broker.createContext()) {
            Message reply = reply(context, send(context, withSecret("Journal " + UUID.randomUUID().toString()
                    .substring(0, 8), "enterprise", secret)));
            assertThat(JSON.readTree(reply.getBody(String.class)).get("status").asText()).isEqualTo("provisioning");

            TextMessage invalid = send(context, withSecret("Invalid secret " + UUID.randomUUID().toString()
                    .substring(0, 8), "platinum", invalidSecret));
            Message parked = parked(context, invalid).receive(30_000);
            assertThat(parked).isNotNull();
            assertThat(parked.getBody(String.class)).doesNotContain(invalidSecret).contains("\"client_secret\":\"********\"")
                    .contains("platinum");
        }
        // Every directory and file of the broker's journal: nothing for group or others.
        Path artemis = service.dataDir().resolve("artemis");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try (Stream<Path> paths = Files.walk(artemis)) {
                List<Path> all = paths.toList();
                assertThat(all).hasSizeGreaterThan(5);
                for (Path path : all) {
                    Set<PosixFilePermission> modes = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
                    assertThat(modes).as(path + " " + PosixFilePermissions.toString(modes)).doesNotContain(
                            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
                            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
                }
            }
        });
    }
}
