package io.onboarding.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.onboarding.support.ApiClient;
import io.onboarding.support.FakeVault;
import io.onboarding.support.RunningService;
import io.onboarding.support.TestPostgres;
import io.onboarding.tenant.TenantNaming;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * Vault failing during onboarding: answering 500s, or hanging past the client's read time-out. Each
 * Vault call is retried a bounded number of times with time-outs, then the step fails and what was
 * done is undone; one operation worker only, so a later operation that succeeds proves no thread was
 * left stuck. A compensation that cannot finish is given up after its attempt limit and reported.
 */
class VaultFaultsTest {

    private static final String VAULT_TOKEN = "vault-faults-token-0123456789";
    private static final String JMS_PASSWORD = "vault-faults-jms-0123456789";
    /** 3 tries of 1 s (read time-out) + back-off, per Vault call; a step makes a few calls. */
    private static final Duration STEP_BOUND = Duration.ofSeconds(30);

    private static RunningService start(FakeVault vault, String platformDb, int jmsPort, String... settings)
            throws Exception {
        Map<String, String> overrides = new HashMap<>(Map.of("onboarding.vault.address", vault.address(),
                "onboarding.vault.token", VAULT_TOKEN, "onboarding.vault.kv-mount", "kv",
                "onboarding.vault.retries", "2", "onboarding.vault.retry-delay-ms", "100",
                "onboarding.vault.connect-timeout-ms", "1000", "onboarding.vault.read-timeout-ms", "1000",
                "onboarding.operations.workers", "1", "onboarding.jms.embedded-port", Integer.toString(jmsPort),
                "onboarding.jms.password", JMS_PASSWORD));
        for (int i = 0; i < settings.length; i += 2) {
            overrides.put(settings[i], settings[i + 1]);
        }
        io.onboarding.support.SecretsSeen.record(VAULT_TOKEN);
        io.onboarding.support.SecretsSeen.record(JMS_PASSWORD);
        return RunningService.start(platformDb, overrides);
    }

    private static String request(UUID tenantId) {
        return """
                {"tenant_id":"%s","tenant_name":"Vault fault %s","plan":"standard","region":"local"}"""
                .formatted(tenantId, tenantId.toString().substring(0, 8));
    }

    @Test
    void aVaultAnswering500sOrHangingFailsTheStepWithinABoundIsCompensatedAndLeavesNoThreadStuck() throws Exception {
        try (FakeVault vault = new FakeVault(VAULT_TOKEN, "kv");
             RunningService service = start(vault, "platform_vault_faults_test", TestPostgres.freePort())) {
            ApiClient api = service.api();
            for (Runnable fault : new Runnable[] {() -> vault.down(500), vault::hang}) {
                UUID tenantId = UUID.randomUUID();
                fault.run();
                long started = System.nanoTime();
                String operationId = api.post("/api/v1/tenants", request(tenantId)).body().get("operation_id").asText();
                await().atMost(STEP_BOUND).pollInterval(Duration.ofMillis(100)).until(() -> step(api, operationId,
                        "store-tenant-role-secrets").get("status").asText().equals("failed"));
                Duration tookToFail = Duration.ofNanos(System.nanoTime() - started);
                JsonNode failedStep = step(api, operationId, "store-tenant-role-secrets");
                assertThat(failedStep.get("error").asText()).contains("Vault failed on tenant-roles/" + tenantId);
                assertThat(tookToFail).isLessThan(STEP_BOUND);

                vault.up(); // compensation deletes what may have been written, on this or the next pass
                JsonNode operation = service.awaitOperation(operationId);
                assertThat(operation.get("status").asText()).isEqualTo("failed");
                assertThat(operation.get("compensated").asBoolean()).as(operation.toString()).isTrue();
                assertThat(service.catalog().databaseExists(TenantNaming.databaseName(tenantId))).isFalse();
                assertThat(vault.paths()).noneMatch(path -> path.contains(tenantId.toString()));

                // The only worker is free again: the next onboarding runs and succeeds.
                UUID next = UUID.randomUUID();
                JsonNode later = service.provision(request(next));
                assertThat(later.get("status").asText()).as(later.toString()).isEqualTo("succeeded");
            }
        }
    }

    @Test
    void aCompensationThatKeepsFailingIsGivenUpAfterItsAttemptsReportedCountedAndPublished() throws Exception {
        int jmsPort = TestPostgres.freePort();
        try (FakeVault vault = new FakeVault(VAULT_TOKEN, "kv");
             RunningService service = start(vault, "platform_vault_given_up_test", jmsPort,
                     "onboarding.operations.max-compensation-attempts", "2");
             ActiveMQConnectionFactory broker = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + jmsPort,
                     "onboarding", JMS_PASSWORD);
             JMSContext jms = broker.createContext()) {
            ApiClient api = service.api();
            JMSConsumer events = jms.createConsumer(jms.createTopic("tenant.events"));
            assertThat(api.metric("onboarding_compensation_given_up_total")).isZero();
            UUID tenantId = UUID.randomUUID();
            vault.down(500); // stays down: the secrets step fails, and so does every try at undoing it

            String operationId = api.post("/api/v1/tenants", request(tenantId)).body().get("operation_id").asText();
            JsonNode operation = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> api.get("/api/v1/operations/" + operationId).body(),
                            op -> !op.get("status").asText().equals("running"));

            assertThat(operation.get("status").asText()).isEqualTo("failed");
            assertThat(operation.get("compensated").asBoolean()).as(operation.toString()).isFalse();
            // Undoing the secrets step and the steps that ran beside it whose undo needs the store too (the auth
            // providers' settings, the Git deploy key), and discarding what admission staged, given up.
            String notUndone = operation.get("error").asText().replaceFirst("(?s).*; not undone: ", "");
            assertThat(notUndone.split(", ")).containsExactlyInAnyOrder("store-tenant-role-secrets",
                    "configure-auth-providers", "create-tenant-git-repository", "provision-tenant-failed");
            assertThat(notUndone).endsWith(", provision-tenant-failed");
            assertThat(service.catalog().platform("SELECT compensation_attempts FROM operations WHERE operation_id = ?",
                    UUID.fromString(operationId))).containsExactly("2");
            // The steps before it were undone all the same: no database of the tenant is left.
            assertThat(service.catalog().databaseExists(TenantNaming.databaseName(tenantId))).isFalse();
            // Counted just after the failure is journaled, which is what was waited for.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(api.metric("onboarding_compensation_given_up_total")).isEqualTo(1.0));
            // Read until that event (not one receive more after it: nothing else comes, so that would wait 30 s).
            JsonNode givenUp = null;
            while (givenUp == null) {
                Message message = events.receive(30_000);
                if (message == null) {
                    break;
                }
                JsonNode event = new ObjectMapper().readTree(message.getBody(String.class));
                if (event.get("event").asText().equals("operation.compensation_given_up")) {
                    givenUp = event;
                }
            }
            assertThat(givenUp).as("operation.compensation_given_up on tenant.events").isNotNull();
            assertThat(givenUp.get("tenant_id").asText()).isEqualTo(tenantId.toString());
            assertThat(givenUp.get("operation_id").asText()).isEqualTo(operationId);
            List<String> reported = new ArrayList<>();
            givenUp.get("steps_not_undone").forEach(step -> reported.add(step.asText()));
            assertThat(reported).containsExactly(notUndone.split(", "));
            assertThat(service.api().get("/api/v1/tenants/" + tenantId).body().get("status").asText())
                    .isEqualTo("failed");

            vault.up();
            assertThat(service.provision(request(UUID.randomUUID())).get("status").asText()).isEqualTo("succeeded");
        }
    }

    private static JsonNode step(ApiClient api, String operationId, String name) {
        for (JsonNode step : api.get("/api/v1/operations/" + operationId).body().get("steps")) {
            if (step.get("name").asText().equals(name)) {
                return step;
            }
        }
        throw new AssertionError("no step " + name);
    }
}
