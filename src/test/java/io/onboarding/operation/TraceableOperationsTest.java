package io.onboarding.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.ApiClient;
import io.onboarding.support.LogCapture;
import io.onboarding.support.RunningService;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Work a caller can follow: Location on every 201/202, a 409 for a busy tenant naming the operation
 * in the way, the operations listing refusing bad filters, and log lines with a full timestamp and
 * the ids of the operation (and tenant) whose step wrote them.
 */
class TraceableOperationsTest {

    private static final String PLATFORM_DB = "platform_traceable_operations_test";
    /** 2025-01-31T12:34:56.789+00:00 (or Z) at the start of a line. */
    private static final Pattern ISO_LINE = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) .*");

    private static RunningService service;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        // No recovery pass: the operation "run elsewhere" below stays running.
        service = RunningService.start(PLATFORM_DB, Map.of("onboarding.operations.recovery-interval-ms", "3600000"));
        api = service.api();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void acceptedWorkSaysWhereToFollowIt() {
        UUID tenantId = UUID.randomUUID();
        ApiClient.Response accepted = api.post("/api/v1/tenants", """
                {"tenant_id":"%s","tenant_name":"Trace %s","plan":"free","region":"local"}"""
                .formatted(tenantId, tenantId.toString().substring(0, 8)));
        assertThat(accepted.status()).isEqualTo(202);
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
        }
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
}
