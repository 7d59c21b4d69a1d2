package io.onboarding.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.operation.FaultHolds.Phase;
import io.onboarding.postgres.EmbeddedPostgresServer;
import io.onboarding.postgres.PostgresCluster;
import io.onboarding.support.LogCapture;
import io.onboarding.support.RunningService;
import io.onboarding.support.TestPostgres;
import io.onboarding.tenant.TenantNaming;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL cluster (control plane and tenant databases: a dedicated embedded cluster this test
 * stops and starts, not the shared one) going away while the service works: an onboarding caught
 * inside a step completes once the server is back, and a JMS request that fails every time meanwhile
 * lands in {@code tenant.requests.DLQ} after {@code onboarding.jms.max-delivery-attempts}.
 */
class PostgresRestartTest {

    private static final String PLATFORM_DB = "platform_pg_restart_test";
    private static final String JMS_PASSWORD = "pg-restart-jms-0123456789";
    private static Path pgDir;
    private static int pgPort;
    private static EmbeddedPostgresServer postgres;
    private static RunningService service;
    private static int jmsPort;

    @BeforeAll
    static void start() throws Exception {
        pgDir = Files.createTempDirectory("onboarding-restarted-pg");
        pgPort = TestPostgres.freePort();
        postgres = EmbeddedPostgresServer.start(pgDir, pgPort);
        PostgresCluster pg = postgres.cluster();
        jmsPort = TestPostgres.freePort();
        io.onboarding.support.SecretsSeen.record(pg.password());
        io.onboarding.support.SecretsSeen.record(JMS_PASSWORD);
        service = RunningService.start(PLATFORM_DB, Map.of("onboarding.postgres.host", pg.host(),
                "onboarding.postgres.port", Integer.toString(pg.port()), "onboarding.postgres.user", pg.user(),
                "onboarding.postgres.password", pg.password(), "onboarding.faults.hold-points", "true",
                "onboarding.jms.embedded-port", Integer.toString(jmsPort), "onboarding.jms.password", JMS_PASSWORD,
                "onboarding.jms.max-delivery-attempts", "3", "onboarding.platform-db.connection-timeout-ms", "2000",
                "onboarding.operations.recovery-interval-ms", "1000"));
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
        postgres.close();
    }

    @Test
    void anOnboardingInsideAStepWhenPostgresRestartsCompletesOnceItIsBack() throws Exception {
        UUID tenantId = UUID.randomUUID();
        String operationId;
        try (Connection holder = postgres.cluster().connect(PLATFORM_DB);
             PreparedStatement lock = holder.prepareStatement("SELECT pg_advisory_lock(?, ?)")) {
            lock.setInt(1, FaultHolds.NAMESPACE);
            lock.setInt(2, FaultHolds.key(tenantId, "create-tenant-database", Phase.BEFORE));
            lock.execute();
            operationId = service.api().post("/api/v1/tenants", """
                    {"tenant_id":"%s","tenant_name":"Restart %s","plan":"standard","region":"local"}"""
                    .formatted(tenantId, tenantId.toString().substring(0, 8))).body().get("operation_id").asText();
            await().atMost(Duration.ofSeconds(60)).until(() -> service.api().get("/api/v1/operations/" + operationId)
                    .body().toString().contains("{\"name\":\"create-tenant-database\",\"status\":\"running\""));
            postgres.close(); // the step goes on into a server that is gone; the hold goes with it
        }
        // The run gives up on a server that is not there (its journal cannot be written either)...
        await().atMost(Duration.ofSeconds(120)).until(() -> LogCapture.text()
                .contains("Operation " + operationId + " could not be run"));
        postgres = EmbeddedPostgresServer.start(pgDir, pgPort);
        // ...and the recovery pass resumes it where the journal has it, once the server is back.
        JsonNode operation = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> service.api().get("/api/v1/operations/" + operationId).body(),
                        op -> !op.get("status").asText().equals("running"));
        assertThat(operation.get("status").asText()).as(operation.toString()).isEqualTo("succeeded");
        assertThat(service.api().get("/api/v1/tenants/" + tenantId).body().get("status").asText()).isEqualTo("active");
        assertThat(service.catalog().column("postgres", "SELECT 1 FROM pg_database WHERE datname = ?",
                TenantNaming.databaseName(tenantId))).isEmpty(); // on the dedicated cluster, not the shared one
        try (Connection check = postgres.cluster().connect("postgres");
             PreparedStatement exists = check.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?")) {
            exists.setString(1, TenantNaming.databaseName(tenantId));
            try (var rs = exists.executeQuery()) {
                assertThat(rs.next() && rs.getInt(1) == 1).isTrue();
            }
        }
    }

    @Test
    void aJmsRequestThatFailsEveryTimeLandsInTheDeadLetterQueueAfterTheConfiguredAttempts() throws Exception {
        UUID tenantId = UUID.randomUUID();
        String body = """
                {"tenant_id":"%s","tenant_name":"Dead letter %s","plan":"standard","region":"local"}"""
                .formatted(tenantId, tenantId.toString().substring(0, 8));
        try (ActiveMQConnectionFactory broker = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + jmsPort,
                "onboarding", JMS_PASSWORD);
             JMSContext jms = broker.createContext()) {
            JMSConsumer deadLetters = jms.createConsumer(jms.createQueue("tenant.requests.DLQ"));
            postgres.close(); // every attempt fails on the control plane: our failure, rolled back
            long sent = System.nanoTime();
            jms.createProducer().send(jms.createQueue("tenant.requests"), body);
            Message dead = deadLetters.receive(60_000);
            Duration took = Duration.ofNanos(System.nanoTime() - sent);
            postgres = EmbeddedPostgresServer.start(pgDir, pgPort);

            assertThat(dead).as("the request in tenant.requests.DLQ").isNotNull();
            assertThat(dead.getBody(String.class)).isEqualTo(body);
            assertThat(dead.getStringProperty("_AMQ_ORIG_ADDRESS")).isEqualTo("tenant.requests");
            // 3 attempts: redelivered after 1 s, then 2 s (the broker's back-off), then dead-lettered.
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> service.api()
                    .get("/api/v1/tenants/" + tenantId).status() == 404);
        }
    }
}
