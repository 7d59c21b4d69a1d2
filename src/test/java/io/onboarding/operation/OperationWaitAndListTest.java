package io.onboarding.operation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.ApiClient;
import io.onboarding.support.RunningService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import io.onboarding.platform.PostgresCluster;
import io.onboarding.support.Catalog;
import io.onboarding.support.TestPostgres;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /operations/{id}?wait= answers when the operation ends; GET /operations lists and pages. */
class OperationWaitAndListTest {

    private static final String PLATFORM_DB = "platform_operation_wait_test";
    private static RunningService service;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        // No recovery pass after start-up's: the operation "run elsewhere" below is left to the test.
        service = RunningService.start(PLATFORM_DB, Map.of("onboarding.operations.recovery-interval-ms", "3600000"));
        api = service.api();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void aWaitAnswersAsSoonAsTheOperationEnds() {
        UUID tenantId = UUID.randomUUID();
        ApiClient.Response accepted = api.post("/api/v1/tenants", """
                {"tenant_id":"%s","tenant_name":"Wait %s","plan":"standard","region":"local"}"""
                .formatted(tenantId, tenantId.toString().substring(0, 8)));
        assertThat(accepted.status()).isEqualTo(202);
        String operationId = accepted.body().get("operation_id").asText();

        long started = System.nanoTime();
        ApiClient.Response waited = api.get("/api/v1/operations/" + operationId + "?wait=30");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(waited.status()).isEqualTo(200);
        assertThat(waited.body().get("status").asText()).isEqualTo("succeeded");
        assertThat(took).isLessThan(Duration.ofSeconds(25));

        // Already finished: answered at once.
        started = System.nanoTime();
        assertThat(api.get("/api/v1/operations/" + operationId + "?wait=60").body().get("status").asText())
                .isEqualTo("succeeded");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void waitersAreWokenByAnOperationThatFinishedOnAnotherInstance() {
        UUID tenantId = service.activeTenant("free", null); // start-up's recovery pass is long over by then
        UUID operationId = UUID.randomUUID();
        Catalog catalog = service.catalog();
        catalog.execute(PLATFORM_DB, "INSERT INTO operations (operation_id, type, tenant_id, status) VALUES ('"
                + operationId + "', 'elsewhere', '" + tenantId + "', 'running')");
        PostgresCluster cluster = TestPostgres.cluster();
        OperationWaiters waiters = new OperationWaiters(new DriverManagerDataSource(cluster.jdbcUrl(PLATFORM_DB),
                cluster.user(), cluster.password()));
        CompletableFuture<Void> woken = waiters.next(operationId);
        waiters.recheck();
        assertThat(woken).isNotDone();
        catalog.execute(PLATFORM_DB, "UPDATE operations SET status = 'succeeded', finished_at = now()"
                + " WHERE operation_id = '" + operationId + "'");
        waiters.recheck();
        assertThat(woken).isCompleted();
        assertThat(api.get("/api/v1/operations/" + operationId + "?wait=5").body().get("status").asText())
                .isEqualTo("succeeded");
    }

    @Test
    void aWaitOutOfRangeIsRefused() {
        String anyOperation = "/api/v1/operations/" + UUID.randomUUID();
        for (String wait : List.of("61", "-1", "soon")) {
            ApiClient.Response refused = api.get(anyOperation + "?wait=" + wait);
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body().at("/error/details/0/field").asText()).isEqualTo("wait");
        }
        assertThat(api.get(anyOperation + "?wait=1").status()).isEqualTo(404);
    }

    @Test
    void operationsAreListedByTenantAndTypeAndPaged() {
        UUID tenantId = service.activeTenant("free", null);
        UUID other = service.activeTenant("free", null);
        JsonNode suspend = service.awaitOperation(api.post("/api/v1/tenants/" + tenantId + "/suspend",
                "{\"reason\":\"test\"}").body().get("operation_id").asText());
        assertThat(suspend.get("status").asText()).isEqualTo("succeeded");

        JsonNode first = api.get("/api/v1/operations?tenant_id=" + tenantId + "&limit=1").body();
        assertThat(types(first)).containsExactly("suspend");
        assertThat(first.get("items").get(0).get("tenant_id").asText()).isEqualTo(tenantId.toString());
        JsonNode second = api.get("/api/v1/operations?tenant_id=" + tenantId + "&limit=1&cursor="
                + first.get("next_cursor").asText()).body();
        assertThat(types(second)).containsExactly("provision");
        assertThat(second.get("next_cursor").isNull()).isTrue();

        JsonNode provisions = api.get("/api/v1/operations?type=provision&status=succeeded&limit=200").body();
        List<String> tenants = new ArrayList<>();
        provisions.get("items").forEach(item -> tenants.add(item.get("tenant_id").asText()));
        assertThat(tenants).contains(tenantId.toString(), other.toString());
        assertThat(types(provisions)).containsOnly("provision");

        assertThat(api.get("/api/v1/operations?status=done").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/operations?tenant_id=x").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/operations?cursor=zzz").status()).isEqualTo(400);
    }

    private static List<String> types(JsonNode page) {
        List<String> types = new ArrayList<>();
        page.get("items").forEach(item -> types.add(item.get("type").asText()));
        return types;
    }
}
