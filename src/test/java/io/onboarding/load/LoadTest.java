package io.onboarding.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.RunningService;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Queue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 500 onboardings within seconds, 250 over REST and 250 over JMS, against an operations queue of 25:
 * REST callers over the bound get 429 with Retry-After and try again after it; JMS waits for room
 * (nothing dead-lettered or refused). In the end every name has exactly one active tenant.
 */
class LoadTest {

    private static final int EACH = 250;
    private static final String JMS_PASSWORD = "jms-load-password-0123";
    private static RunningService service;
    private static ApiClient api;
    private static Catalog catalog;
    private static ActiveMQConnectionFactory broker;

    @BeforeAll
    static void start() throws Exception {
        service = RunningService.start("platform_load_test", Map.of("onboarding.admission.max-queued", "25",
                "onboarding.admission.retry-after-seconds", "1", "onboarding.jms.password", JMS_PASSWORD,
                // no schedules to fire meanwhile: a backup of 500 tenants is not what is measured here
                "onboarding.reconcile.initial-delay-ms", "3600000"));
        api = service.api();
        catalog = service.catalog();
        broker = service.jmsClient();
    }

    @AfterAll
    static void stop() {
        broker.close();
        service.close();
    }

    @Test
    void fiveHundredRequestsOverRestAndJmsAreAllProvisionedOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        Map<String, Integer> restOutcome = new ConcurrentHashMap<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger refusedWithRetryAfter = new AtomicInteger();
        AtomicInteger unexpected = new AtomicInteger();
        ScheduledExecutorService clients = Executors.newScheduledThreadPool(16);
        try (JMSContext context = broker.createContext()) {
            for (int i = 0; i < EACH; i++) {
                String body = "{\"tenant_id\":\"" + UUID.randomUUID() + "\",\"tenant_name\":\"Load " + run + " r"
                        + i + "\",\"plan\":\"free\",\"region\":\"local\"}";
                String name = "Load " + run + " r" + i;
                clients.execute(new Runnable() {
                    @Override
                    public void run() {
                        ApiClient.Response reply = api.post("/api/v1/tenants", body);
                        if (reply.status() == 429 || reply.status() == 503) {
                            refused.incrementAndGet();
                            String retryAfter = reply.header("Retry-After").orElse(null);
                            if (retryAfter != null) {
                                refusedWithRetryAfter.incrementAndGet();
                            }
                            if (reply.body() == null || reply.body().path("error").path("code").asText().isEmpty()) {
                                unexpected.incrementAndGet(); // not in the error shape
                            }
                            long delay = retryAfter == null ? 1 : Long.parseLong(retryAfter);
                            clients.schedule(this, delay, TimeUnit.SECONDS); // as a client honouring Retry-After does
                        } else {
                            restOutcome.put(name, reply.status());
                            if (reply.status() != 202) {
                                unexpected.incrementAndGet();
                            }
                        }
                    }
                });
            }
            Queue requests = context.createQueue("tenant.requests");
            JMSProducer producer = context.createProducer();
            for (int i = 0; i < EACH; i++) {
                producer.send(requests, "{\"tenant_name\":\"Load " + run + " j" + i
                        + "\",\"plan\":\"free\",\"region\":\"local\"}");
            }

            await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofSeconds(2)).until(() ->
                    restOutcome.size() == EACH && activeNames(run) == 2 * EACH);
            assertThat(unexpected.get()).as("REST replies other than 202, or refusals not in the error shape").isZero();
            assertThat(refused.get()).as("the bound was reached and REST callers were refused").isPositive();
            assertThat(refusedWithRetryAfter.get()).as("every refusal had Retry-After").isEqualTo(refused.get());
            assertThat(catalog.platform("SELECT tenant_name FROM tenants WHERE tenant_name LIKE ? GROUP BY tenant_name"
                    + " HAVING count(*) > 1", "Load " + run + " %")).as("a name with two tenants").isEmpty();
            assertThat(catalog.platform("SELECT count(*) FROM tenants WHERE tenant_name LIKE ? AND status <> 'active'",
                    "Load " + run + " %")).containsExactly("0");
            assertThat(context.createBrowser(context.createQueue("tenant.requests.DLQ")).getEnumeration()
                    .hasMoreElements()).as("nothing dead-lettered").isFalse();
            assertThat(context.createBrowser(context.createQueue("tenant.requests.invalid")).getEnumeration()
                    .hasMoreElements()).as("no JMS request refused").isFalse();
        } finally {
            clients.shutdownNow();
        }
    }

    private static int activeNames(String run) {
        List<String> count = catalog.platform("SELECT count(DISTINCT tenant_name) FROM tenants WHERE tenant_name LIKE ?"
                + " AND status = 'active'", "Load " + run + " %");
        return Integer.parseInt(count.get(0));
    }
}
