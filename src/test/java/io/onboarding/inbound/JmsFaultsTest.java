package io.onboarding.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.onboarding.broker.EmbeddedBroker;
import io.onboarding.support.RunningService;
import io.onboarding.support.TestPostgres;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * An external Artemis broker (JMS_BROKER_URL; a persistent Artemis started by the test) restarted
 * while requests wait on tenant.requests and are being consumed: none is lost. Consumption is
 * transacted, so a request cut off by the broker going away is redelivered, and its tenant_id keeps
 * the repeat idempotent. (Dead-lettering after the configured attempts: PostgresRestartTest.)
 */
class JmsFaultsTest {

    private static final String USER = "onboarding";
    private static final String PASSWORD = "jms-faults-broker-0123456789";

    @Test
    void aBrokerRestartLosesNoRequest() throws Exception {
        Path journal = Files.createTempDirectory("onboarding-external-artemis");
        int port = TestPostgres.freePort();
        io.onboarding.support.SecretsSeen.record(PASSWORD);
        EmbeddedBroker broker = EmbeddedBroker.start(journal, "127.0.0.1", port, USER, PASSWORD, 5, 1_048_576, 1_048_576);
        String url = "tcp://127.0.0.1:" + port;
        try (RunningService service = RunningService.start("platform_jms_faults_test", Map.of(
                "onboarding.jms.broker-url", url, "onboarding.jms.user", USER, "onboarding.jms.password", PASSWORD))) {
            List<UUID> tenants = new ArrayList<>();
            try (ActiveMQConnectionFactory client = new ActiveMQConnectionFactory(url, USER, PASSWORD);
                 JMSContext jms = client.createContext()) {
                for (int i = 0; i < 20; i++) {
                    tenants.add(send(jms));
                }
            }
            broker.close(); // some requests consumed, some being consumed, the rest still queued (persistent)
            broker = EmbeddedBroker.start(journal, "127.0.0.1", port, USER, PASSWORD, 5, 1_048_576, 1_048_576);
            try (ActiveMQConnectionFactory client = new ActiveMQConnectionFactory(url, USER, PASSWORD);
                 JMSContext jms = client.createContext()) {
                tenants.add(send(jms)); // sent after the restart: consumed once the service has reconnected
            }
            for (UUID tenantId : tenants) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .until(() -> service.api().get("/api/v1/tenants/" + tenantId).status() == 200);
            }
            // Each once: the control plane has one onboarding per request.
            assertThat(service.catalog().platform("SELECT count(*) FROM operations WHERE type = 'provision'"))
                    .containsExactly(Integer.toString(tenants.size()));
        } finally {
            broker.close();
        }
    }

    /**
     * The broker the service embeds, on its own: a request rolled back by every delivery attempt is
     * moved to the queue tenant.requests.DLQ, the name the documents give. The consumer is created
     * only once the message has been dead-lettered, so it finds it only if the broker put it in a
     * queue of that name (not in an auto-created DLQ.tenant.requests).
     */
    @Test
    void aRequestRolledBackOnEveryAttemptLandsInTenantRequestsDlq() throws Exception {
        Path journal = Files.createTempDirectory("onboarding-dlq-artemis");
        int port = TestPostgres.freePort();
        String body = "{\"tenant_name\":\"Dead " + UUID.randomUUID() + "\"}";
        try (EmbeddedBroker broker = EmbeddedBroker.start(journal, "127.0.0.1", port, USER, PASSWORD, 2,
                1_048_576, 1_048_576);
             ActiveMQConnectionFactory client = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port, USER, PASSWORD);
             JMSContext jms = client.createContext()) {
            jms.createProducer().send(jms.createQueue("tenant.requests"), body);
            try (JMSContext transacted = client.createContext(JMSContext.SESSION_TRANSACTED);
                 JMSConsumer requests = transacted.createConsumer(transacted.createQueue("tenant.requests"))) {
                for (int attempt = 1; attempt <= 2; attempt++) {
                    Message delivered = requests.receive(30_000);
                    assertThat(delivered).as("delivery " + attempt).isNotNull();
                    assertThat(delivered.getBody(String.class)).isEqualTo(body);
                    transacted.rollback(); // our failure: rolled back, as the service's route does
                }
            }
            try (JMSConsumer deadLetters = jms.createConsumer(jms.createQueue("tenant.requests.DLQ"))) {
                Message dead = deadLetters.receive(30_000);
                assertThat(dead).as("the request in tenant.requests.DLQ").isNotNull();
                assertThat(dead.getBody(String.class)).isEqualTo(body);
                assertThat(dead.getStringProperty("_AMQ_ORIG_ADDRESS")).isEqualTo("tenant.requests");
            }
        }
    }

    private static UUID send(JMSContext jms) {
        UUID tenantId = UUID.randomUUID();
        jms.createProducer().send(jms.createQueue("tenant.requests"), """
                {"tenant_id":"%s","tenant_name":"Broker %s","plan":"free","region":"local"}"""
                .formatted(tenantId, tenantId.toString().substring(0, 8)));
        return tenantId;
    }
}
