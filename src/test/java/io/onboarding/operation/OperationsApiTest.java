package io.onboarding.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.postgres.PostgresCluster;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.LogCapture;
import io.onboarding.support.RunningService;
import io.onboarding.support.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The operations API as a caller follows work, on one running service: Location on every 201/202,
 * GET /operations/{id}?wait= answering when the operation ends, GET /operations listing, paging and
 * refusing bad filters by name, a 409 for a busy tenant naming the operation in the way, and log
 * lines with a full timestamp and the ids of the operation (and tenant) whose step wrote them.
 */
class OperationsApiTest {

    private static final String PLATFORM_DB = "platform_operations_api_test";
    /** 2025-01-31T12:34:56.789+00:00 (or Z) at the start of a line. */
    private static final Pattern ISO_LINE = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) .*");

    private static RunningService service;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        // No recovery pass after start-up's: the operations "run elsewhere" below are left to the tests.
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
        ApiClient.Response accepted = requestTenant(tenantId, "Wait", "standard");
        String operationId = accepted.body().get("operation_id").asText();

        long started = System.nanoTime();
        ApiClient.Response waited = api.get("/api/v1/operations/" + operationId + "?wait=30");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(waited.status()).isEqualTo(200);
        assertThat(waited.body().get("status").asText()).isEqualTo("succeeded");
        assertThat(took).isLessThan(Duration.ofSeconds(25));

        // Already finished: answered at once, not after the 60 s asked for (20 s: room for a busy machine).
        started = System.nanoTime();
        assertThat(api.get("/api/v1/operations/" + operationId + "?wait=60").body().get("status").asText())
                .isEqualTo("succeeded");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
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
        CompletableFuture<Void> woken = waiters.await(operationId).woken();
        waiters.recheck();
        assertThat(woken).isNotDone();
        catalog.execute(PLATFORM_DB, "UPDATE operations SET status = 'succeeded', finished_at = now()"
                + " WHERE operation_id = '" + operationId + "'");
        waiters.recheck();
        assertThat(woken).isCompleted();
        assertThat(api.get("/api/v1/operations/" + operationId + "?wait=5").body().get("status").asText())
                .isEqualTo("succeeded");
    }

    /** Waiters on this service now, from its gauge on /observe/metrics. */
    private static double waiters() {
        return api.metric("onboarding_operation_waiters");
    }

    /** An operation that stays running (as if on another instance): a wait on it lasts its whole length. */
    private static UUID runningElsewhere() {
        UUID tenantId = service.activeTenant("free", null);
        UUID operationId = UUID.randomUUID();
        service.catalog().execute(PLATFORM_DB, "INSERT INTO operations (operation_id, type, tenant_id, status)"
                + " VALUES ('" + operationId + "', 'elsewhere', '" + tenantId + "', 'running')");
        return operationId;
    }

    @Test
    void anUnknownOperationIsA404AtOnceAndLeavesNoWaiter() {
        await().atMost(Duration.ofSeconds(30)).until(() -> waiters() == 0.0); // other tests' waits are over
        long started = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            ApiClient.Response unknown = api.get("/api/v1/operations/" + UUID.randomUUID() + "?wait=30");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.body().at("/error/code").asText()).isEqualTo("not_found");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        assertThat(waiters()).isZero();
    }

    @Test
    void aWaitThatTimesOutOrWhoseClientGoesAwayLeavesNoWaiter() throws Exception {
        UUID operationId = runningElsewhere();
        await().atMost(Duration.ofSeconds(30)).until(() -> waiters() == 0.0);

        // Timed out: answered with the operation as it is, the waiter gone with the wait.
        ApiClient.Response timedOut = api.get("/api/v1/operations/" + operationId + "?wait=1");
        assertThat(timedOut.status()).isEqualTo(200);
        assertThat(timedOut.body().get("status").asText()).isEqualTo("running");
        assertThat(waiters()).isZero();

        // The client goes away long before its 60 s: the waiter goes with it.
        try (java.net.Socket client = new java.net.Socket("localhost", service.port())) {
            client.getOutputStream().write(("GET /api/v1/operations/" + operationId + "?wait=60 HTTP/1.1\r\n"
                    + "Host: localhost\r\nAuthorization: Bearer " + RunningService.TOKEN + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            await().atMost(Duration.ofSeconds(20)).until(() -> waiters() == 1.0);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> waiters() == 0.0);
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

    @Test
    void acceptedWorkSaysWhereToFollowIt() {
        UUID tenantId = UUID.randomUUID();
        ApiClient.Response accepted = requestTenant(tenantId, "Trace", "free");
        String operationId = accepted.body().get("operation_id").asText();
        assertThat(accepted.header("Location")).contains("/api/v1/operations/" + operationId);
        assertThat(service.awaitOperation(operationId).get("status").asText()).isEqualTo("succeeded");

        ApiClient.Response invited = api.post("/api/v1/tenants/" + tenantId + "/users",
                "{\"email\":\"trace-%s@example.com\",\"role\":\"developer\"}".formatted(tenantId.toString().substring(0, 8)));
        assertThat(invited.status()).isEqualTo(201);
        assertThat(invited.header("Location"))
                .contains("/api/v1/tenants/" + tenantId + "/users/" + invited.body().get("user_id").asText());

        ApiClient.Response backup = api.post("/api/v1/tenants/" + tenantId + "/backups", "");
        assertThat(backup.status()).isEqualTo(202);
        assertThat(backup.header("Location")).contains("/api/v1/operations/" + backup.body().get("operation_id").asText());
        service.awaitOperation(backup.body().get("operation_id").asText());

        // The provisioning steps logged with the operation's id and tenant, and a full timestamp.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(LogCapture.consoleText().lines()
                .filter(line -> line.contains("operation=" + operationId))
                .filter(line -> line.contains("tenant=" + tenantId)))
                .isNotEmpty()
                .allMatch(line -> ISO_LINE.matcher(line).matches()));
        assertThat(LogCapture.consoleText().lines().filter(line -> !line.isBlank() && Character.isDigit(line.charAt(0))))
                .isNotEmpty().allMatch(line -> ISO_LINE.matcher(line).matches());
    }

    @Test
    void every202NamesTheOperationItStartedAndARestoreNamesItsDatabase() {
        UUID tenantId = service.activeTenant("free", null);
        String tenantPath = "/api/v1/tenants/" + tenantId;

        ApiClient.Response suspend = api.post(tenantPath + "/suspend", "{\"reason\":\"unpaid\"}");
        assertStarted(suspend, tenantId, "suspend");
        // Not the tenant's "active" of before the suspend ran: nothing in the answer reads as its opposite.
        assertThat(suspend.body().toString()).doesNotContain("active");
        service.awaitOperation(suspend.body().get("operation_id").asText());
        ApiClient.Response resume = api.post(tenantPath + "/resume", "");
        assertStarted(resume, tenantId, "resume");
        assertThat(resume.body().toString()).doesNotContain("suspended");
        service.awaitOperation(resume.body().get("operation_id").asText());

        ApiClient.Response backup = api.post(tenantPath + "/backups", "");
        assertStarted(backup, tenantId, "backup");
        JsonNode backedUp = service.awaitOperation(backup.body().get("operation_id").asText());
        assertThat(backedUp.get("status").asText()).isEqualTo("succeeded");
        String backupId = backedUp.at("/result/backup_id").asText();
        assertThat(api.get(tenantPath + "/backups").body().get("items").findValuesAsText("backup_id")).contains(backupId);

        ApiClient.Response restore = api.post(tenantPath + "/restore", "{\"backup_id\":\"" + backupId + "\"}");
        assertStarted(restore, tenantId, "restore");
        JsonNode restored = service.awaitOperation(restore.body().get("operation_id").asText());
        assertThat(restored.get("status").asText()).isEqualTo("succeeded");
        String database = restored.at("/result/database").asText();
        assertThat(database).startsWith(api.get(tenantPath).body().at("/database/name").asText() + "_r");
        assertThat(restored.at("/result/in_place").asBoolean()).isFalse();
        assertThat(service.catalog().databaseExists(database)).as("the database result names").isTrue();
        // Why a step was skipped is its reason, not an error.
        JsonNode switched = stepNamed(restored, "switch-to-restored-database");
        assertThat(switched.get("status").asText()).isEqualTo("skipped");
        assertThat(switched.get("reason").asText()).contains(database);
        assertThat(switched.get("error").isNull()).isTrue();
        JsonNode provision = service.awaitOperation(api.get("/api/v1/operations?type=provision&tenant_id=" + tenantId)
                .body().at("/items/0/operation_id").asText());
        JsonNode approval = stepNamed(provision, "await-approval");
        assertThat(approval.get("reason").asText()).isEqualTo("plan free needs no approval");
        assertThat(approval.get("error").isNull()).isTrue();
        assertThat(provision.get("result").isNull()).isTrue();
    }

    private static void assertStarted(ApiClient.Response started, UUID tenantId, String type) {
        assertThat(started.status()).as(started.body().toString()).isEqualTo(202);
        String operationId = started.body().get("operation_id").asText();
        assertThat(started.body().get("type").asText()).isEqualTo(type);
        assertThat(started.body().get("tenant_id").asText()).isEqualTo(tenantId.toString());
        assertThat(started.body().get("status").asText()).isEqualTo("running");
        assertThat(started.header("Location")).contains("/api/v1/operations/" + operationId);
        assertThat(api.get("/api/v1/operations/" + operationId).body().get("type").asText()).isEqualTo(type);
    }

    private static JsonNode stepNamed(JsonNode operation, String name) {
        for (JsonNode step : operation.get("steps")) {
            if (step.get("name").asText().equals(name)) {
                return step;
            }
        }
        throw new AssertionError("no step " + name + " in " + operation);
    }

    @Test
    void aBusyTenantIsA409NamingTheOperationInTheWay() {
        UUID tenantId = service.activeTenant("free", null);
        UUID running = UUID.randomUUID();
        service.catalog().execute(PLATFORM_DB, "INSERT INTO operations (operation_id, type, tenant_id, status) VALUES ('"
                + running + "', 'elsewhere', '" + tenantId + "', 'running')");

        for (ApiClient.Response refused : new ApiClient.Response[] {
                api.post("/api/v1/tenants/" + tenantId + "/backups", ""),
                api.patch("/api/v1/tenants/" + tenantId, "{\"plan\":\"standard\"}"),
                api.post("/api/v1/tenants/" + tenantId + "/suspend", "{\"reason\":\"test\"}")}) {
            assertThat(refused.status()).isEqualTo(409);
            JsonNode detail = refused.body().at("/error/details/0");
            assertThat(detail.get("field").asText()).isEqualTo("tenant_id");
            assertThat(detail.get("operation_id").asText()).isEqualTo(running.toString());
            assertThat(refused.body().at("/error/message").asText()).contains(running.toString());
            assertThat(detail.get("location").asText()).isEqualTo("/api/v1/operations/" + running);
            assertThat(refused.header("Location")).contains("/api/v1/operations/" + running);
        }
        // A resume sent while the tenant is still active because its suspend is running: the 409 is
        // about that operation (named, with its Location), not only "active, not suspended".
        ApiClient.Response resume = api.post("/api/v1/tenants/" + tenantId + "/resume", "");
        assertThat(resume.status()).isEqualTo(409);
        assertThat(resume.body().at("/error/details/0/operation_id").asText()).isEqualTo(running.toString());
        assertThat(resume.body().at("/error/details/0/location").asText()).isEqualTo("/api/v1/operations/" + running);
        assertThat(resume.body().at("/error/message").asText()).contains("is active, not suspended")
                .contains(running.toString());
        assertThat(resume.header("Location")).contains("/api/v1/operations/" + running);
        service.catalog().execute(PLATFORM_DB, "UPDATE operations SET status = 'failed', finished_at = now()"
                + " WHERE operation_id = '" + running + "'");
    }

    @Test
    void theOperationsListingRefusesBadFiltersByName() {
        assertThat(api.get("/api/v1/operations?status=sleeping").body().at("/error/details/0/field").asText()).isEqualTo("status");
        assertThat(api.get("/api/v1/operations?tenant_id=nope").body().at("/error/details/0/field").asText()).isEqualTo("tenant_id");
        assertThat(api.get("/api/v1/operations?type=" + "x".repeat(101)).body().at("/error/details/0/field").asText()).isEqualTo("type");
        assertThat(api.get("/api/v1/operations?limit=0").body().at("/error/details/0/field").asText()).isEqualTo("limit");
        assertThat(api.get("/api/v1/operations?cursor=garbage").body().at("/error/details/0/field").asText()).isEqualTo("cursor");
        ApiClient.Response page = api.get("/api/v1/operations?type=provision&status=succeeded&limit=1");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body().has("next_cursor")).isTrue();
    }

    /** POST /tenants for a new tenant of the plan, named by the prefix and the start of its id: accepted (202). */
    private static ApiClient.Response requestTenant(UUID tenantId, String namePrefix, String plan) {
        ApiClient.Response accepted = api.post("/api/v1/tenants", """
                {"tenant_id":"%s","tenant_name":"%s %s","plan":"%s","region":"local"}"""
                .formatted(tenantId, namePrefix, tenantId.toString().substring(0, 8), plan));
        assertThat(accepted.status()).isEqualTo(202);
        return accepted;
    }

    private static List<String> types(JsonNode page) {
        List<String> types = new ArrayList<>();
        page.get("items").forEach(item -> types.add(item.get("type").asText()));
        return types;
    }
}
