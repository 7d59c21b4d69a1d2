package io.onboarding.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.ApiClient;
import io.onboarding.support.LogCapture;
import io.onboarding.support.RunningService;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * backup_policy.schedule through the front door, with the default limits: nothing but a cron
 * expression gets in (no endpoint options, no property placeholders), and nothing too frequent.
 */
class BackupScheduleInputTest {

    private static final String LEAK = "0 0 3 ? * MON&leak={{env:HOME}}";

    private static RunningService service;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        service = RunningService.start("platform_backup_schedule_input");
        api = service.api();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static String create(String schedule) {
        return """
                {"tenant_name":"Sched %s","plan":"standard","region":"local","backup_policy":{"schedule":"%s"}}"""
                .formatted(UUID.randomUUID().toString().substring(0, 8), schedule);
    }

    private static void assertRefusedSchedule(ApiClient.Response reply) {
        assertThat(reply.status()).as(String.valueOf(reply.body())).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        reply.body().get("error").get("details").forEach(detail -> fields.add(detail.get("field").asText()));
        assertThat(fields).containsExactly("backup_policy.schedule");
    }

    /** Neither the resolved placeholder nor the rejected value shows up in the reply or the log. */
    private static void assertNothingLeaked(ApiClient.Response reply, int logFrom) {
        String home = System.getenv("HOME");
        String log = LogCapture.text().substring(logFrom);
        assertThat(reply.raw().body()).doesNotContain("leak").doesNotContain("{{");
        assertThat(log).doesNotContain("leak=").doesNotContain("{{env:HOME}}");
        if (home != null && home.length() > 1) {
            assertThat(reply.raw().body()).doesNotContain(home);
            assertThat(log).doesNotContain(home);
        }
    }

    @Test
    void aScheduleCarryingEndpointOptionsAndPlaceholdersIsRefusedOnCreate() {
        int logFrom = LogCapture.text().length();
        ApiClient.Response reply = api.post("/api/v1/tenants", create(LEAK));
        assertRefusedSchedule(reply);
        assertNothingLeaked(reply, logFrom);
    }

    @Test
    void aScheduleCarryingEndpointOptionsAndPlaceholdersIsRefusedOnPatch() {
        UUID tenantId = service.activeTenant("standard", null);
        int logFrom = LogCapture.text().length();
        ApiClient.Response reply = api.patch("/api/v1/tenants/" + tenantId,
                "{\"backup_policy\":{\"schedule\":\"" + LEAK + "\"}}");
        assertRefusedSchedule(reply);
        assertNothingLeaked(reply, logFrom);
        ApiClient.Response tenant = api.get("/api/v1/tenants/" + tenantId);
        assertThat(tenant.body().get("backup_policy").get("schedule").asText()).isEqualTo("0 2 * * *");
        assertThat(tenant.body().get("warnings")).isEmpty();
        assertNothingLeaked(tenant, logFrom);
    }

    @Test
    void trailingJunkAfterAValidSixFieldScheduleIsRefused() {
        assertRefusedSchedule(api.post("/api/v1/tenants", create("0 0 3 * * ?junk")));
        assertRefusedSchedule(api.post("/api/v1/tenants", create("0 0 3 ? * MON&x")));
        assertRefusedSchedule(api.post("/api/v1/tenants", create("0 0 3 * * ? 2030x")));
    }

    @Test
    void aScheduleRunningMoreOftenThanTheMinimumIntervalIsRefused() {
        ApiClient.Response everyMinute = api.post("/api/v1/tenants", create("* * * * *"));
        assertRefusedSchedule(everyMinute);
        assertThat(everyMinute.body().get("error").get("details").get(0).get("message").asText())
                .contains("minimum interval");
        assertRefusedSchedule(api.post("/api/v1/tenants", create("0 */10 * * * ?")));
        UUID tenantId = service.activeTenant("free", null);
        assertRefusedSchedule(api.patch("/api/v1/tenants/" + tenantId, "{\"backup_policy\":{\"schedule\":\"*/5 * * * *\"}}"));
    }

    @Test
    void reschedulingKeepsTheServiceReadyAndLeavesNoWarning() {
        UUID tenantId = service.activeTenant("standard", null);
        for (String schedule : List.of("0 4 * * *", "0 0 5 ? * MON-FRI", "0 6 1 * *")) {
            ApiClient.Response accepted = api.patch("/api/v1/tenants/" + tenantId,
                    "{\"backup_policy\":{\"schedule\":\"" + schedule + "\"}}");
            assertThat(accepted.status()).as(String.valueOf(accepted.body())).isEqualTo(202);
            JsonNode operation = service.awaitOperation(accepted.body().get("operation_id").asText());
            assertThat(operation.get("status").asText()).as(operation.toString()).isEqualTo("succeeded");
            assertThat(api.withToken(null).get("/observe/health").status()).isEqualTo(200);
        }
        JsonNode tenant = api.get("/api/v1/tenants/" + tenantId).body();
        assertThat(tenant.get("warnings")).isEmpty();
        // Schedules are Quartz triggers, not routes: the health checks have no per-tenant route to see stopped.
        assertThat(api.withToken(null).get("/observe/health").raw().body()).doesNotContain("backup-schedule-");
        assertThat(service.catalog().platform("SELECT cron_expression FROM qrtz_cron_triggers WHERE trigger_name = ?",
                tenantId.toString())).containsExactly("0 0 6 1 * ?");
    }
}
