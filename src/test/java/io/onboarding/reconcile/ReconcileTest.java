package io.onboarding.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.RunningService;
import io.onboarding.support.SecretsSeen;
import io.onboarding.support.TestPostgres;
import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Orphans made by hand (a database and a role carrying our marker for a tenant that has no row, a
 * stray monitoring file) and resources an active tenant lost (its monitoring file, its backup
 * schedule): GET /api/v1/reconcile lists each and changes nothing (not even with ?repair=true: a 400),
 * the gauges say the same, POST /api/v1/reconcile/repair re-creates the missing ones, is audited by
 * its action, and never touches an orphan.
 */
class ReconcileTest {

    private static Path dataDir;
    private static RunningService service;
    private static ApiClient api;
    private static Catalog catalog;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("onboarding-reconcile");
        // The timer stays out of the way: the test runs reconciliation through the API.
        service = RunningService.start("platform_reconcile_test", Map.of("onboarding.reconcile.initial-delay-ms",
                "3600000"), dataDir);
        api = service.api();
        catalog = service.catalog();
        awaitStartUpScheduling();
    }

    /**
     * The start-up run that sets up every active tenant's backup schedule (route
     * schedule-all-tenant-backups, 1 s after start) has finished: run later, it would re-create the
     * schedule the test deletes before reconciliation could find it missing.
     */
    private static void awaitStartUpScheduling() {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("/observe/metrics").raw().body().lines()
                        .anyMatch(line -> line.startsWith("camel_exchanges_total{")
                                && line.contains("routeId=\"schedule-all-tenant-backups\"") && !line.endsWith(" 0.0")));
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void orphansAreListedMissingResourcesRepairedAndTheGaugesMatch() throws Exception {
        UUID active = service.activeTenant("free", null);
        Path targets = dataDir.resolve("prometheus").resolve("targets");
        Path activeTargets = targets.resolve("tenant-" + active + ".json");
        assertThat(activeTargets).exists();

        UUID ghost = UUID.randomUUID();
        String ghostDatabase = TenantNaming.databaseName(ghost);
        String ghostRole = TenantNaming.roleName(ghost, TenantRole.DEVELOPER);
        catalog.execute("postgres", "CREATE DATABASE " + ghostDatabase,
                "COMMENT ON DATABASE " + ghostDatabase + " IS '" + TenantNaming.ownerMarker(ghost) + "'",
                "CREATE ROLE " + ghostRole + " NOLOGIN",
                "COMMENT ON ROLE " + ghostRole + " IS '" + TenantNaming.ownerMarker(ghost) + "'");
        // A look-alike without our marker is someone else's: never reported.
        String foreign = TenantNaming.databaseName(UUID.randomUUID());
        catalog.execute("postgres", "CREATE DATABASE " + foreign);
        UUID stray = UUID.randomUUID();
        Files.writeString(targets.resolve("tenant-" + stray + ".json"), "[]");
        Files.delete(activeTargets);
        catalog.execute("platform_reconcile_test",
                "DELETE FROM qrtz_cron_triggers WHERE trigger_group = 'tenant-backups' AND trigger_name = '" + active + "'",
                "DELETE FROM qrtz_triggers WHERE trigger_group = 'tenant-backups' AND trigger_name = '" + active + "'",
                "DELETE FROM qrtz_job_details WHERE job_group = 'tenant-backups' AND job_name = '" + active + "'");

        ApiClient.Response report = api.get("/api/v1/reconcile");
        assertThat(report.status()).isEqualTo(200);
        JsonNode body = report.body();
        assertThat(findings(body.get("orphans"))).contains("database " + ghost + " " + ghostDatabase,
                "role " + ghost + " " + ghostRole, "monitoring " + stray + " targets/tenant-" + stray + ".json");
        assertThat(body.get("orphans").toString()).doesNotContain(foreign).doesNotContain(active.toString());
        assertThat(findings(body.get("missing"))).contains("monitoring " + active + " targets/tenant-" + active + ".json",
                "backup_schedule " + active + " " + active);
        assertThat(body.get("repaired")).isEmpty();
        assertThat(activeTargets).doesNotExist();
        assertGaugesMatch(body);

        // A GET never repairs: asking it to is a 400 naming the parameter, and nothing is re-created.
        ApiClient.Response getRepair = api.get("/api/v1/reconcile?repair=true");
        assertThat(getRepair.status()).as(String.valueOf(getRepair.body())).isEqualTo(400);
        assertThat(getRepair.body().get("error").get("details").get(0).get("field").asText()).isEqualTo("repair");
        assertThat(activeTargets).doesNotExist();
        assertThat(catalog.platform("SELECT count(*) FROM qrtz_triggers WHERE trigger_group = 'tenant-backups'"
                + " AND trigger_name = ?", active.toString())).containsExactly("0");
        assertThat(findings(api.get("/api/v1/reconcile").body().get("missing")))
                .contains("monitoring " + active + " targets/tenant-" + active + ".json");

        String requestId = "repair-" + UUID.randomUUID();
        ApiClient.Response repair = api.withHeader("X-Request-Id", requestId).post("/api/v1/reconcile/repair", "");
        assertThat(repair.status()).as(String.valueOf(repair.body())).isEqualTo(200);
        JsonNode repaired = repair.body();
        assertThat(findings(repaired.get("repaired"))).containsExactlyInAnyOrder(
                "monitoring " + active + " targets/tenant-" + active + ".json", "backup_schedule " + active + " " + active);
        assertThat(findings(repaired.get("missing"))).noneMatch(finding -> finding.contains(active.toString()));
        assertThat(activeTargets).exists();
        assertThat(Files.readString(activeTargets)).contains(active.toString());
        assertThat(catalog.platform("SELECT count(*) FROM qrtz_triggers WHERE trigger_group = 'tenant-backups'"
                + " AND trigger_name = ?", active.toString())).containsExactly("1");
        assertGaugesMatch(repaired);
        // Orphans are reported, never removed.
        assertThat(catalog.databaseExists(ghostDatabase)).isTrue();
        assertThat(catalog.roleExists(ghostRole)).isTrue();
        assertThat(findings(repaired.get("orphans"))).contains("database " + ghost + " " + ghostDatabase);

        // The repair is in the audit log by its action, with the caller and the outcome.
        JsonNode audit = api.get("/api/v1/audit?action=repair-reconciliation&limit=500").body().get("items");
        JsonNode row = null;
        for (JsonNode item : audit) {
            row = requestId.equals(item.get("request_id").asText()) ? item : row;
        }
        assertThat(row).as("the audit row of the repair").isNotNull();
        assertThat(row.get("token_name").asText()).isEqualTo("bootstrap-admin");
        assertThat(row.get("outcome").asText()).isEqualTo("200");

        assertThat(api.get("/api/v1/reconcile?repair=maybe").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/reconcile/repair").status()).isEqualTo(405);
        assertThat(api.withToken(null).get("/api/v1/reconcile").status()).isEqualTo(401);
    }

    @Test
    void aDestroyedTenantLeavesNothingBehind() {
        UUID tenantId = service.activeTenant("free", null);
        String name = api.get("/api/v1/tenants/" + tenantId).body().get("tenant_name").asText();
        ApiClient.Response destroy = api.delete("/api/v1/tenants/" + tenantId + "?confirm="
                + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(service.awaitOperation(destroy.body().get("operation_id").asText()).get("status").asText())
                .isEqualTo("succeeded");
        JsonNode body = api.get("/api/v1/reconcile").body();
        assertThat(body.get("orphans").toString()).doesNotContain(tenantId.toString());
        assertThat(body.get("missing").toString()).doesNotContain(tenantId.toString());
    }

    @Test
    void aRepairingRunIsRefusedWhileAnotherInstanceReconcilesAndAReadOnlyOneStillAnswers() throws Exception {
        try (Connection other = TestPostgres.cluster().connect("platform_reconcile_test");
             Statement statement = other.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + ReconcileApi.LOCK_KEY + ")");
            ApiClient.Response refused = api.post("/api/v1/reconcile/repair", "");
            assertThat(refused.status()).as(refused.body().toString()).isEqualTo(409);
            assertThat(refused.body().toString()).contains("\"field\":\"repair\"")
                    .contains("another reconciliation is running");
            assertThat(api.get("/api/v1/reconcile").status()).as("read-only runs go anywhere").isEqualTo(200);
            statement.execute("SELECT pg_advisory_unlock(" + ReconcileApi.LOCK_KEY + ")");
        }
        assertThat(api.post("/api/v1/reconcile/repair", "").status()).isEqualTo(200);
    }

    @Test
    void aReaderTokenMayReconcileButNotRepair() {
        ApiClient.Response created = api.post("/api/v1/tokens", "{\"name\":\"reconcile-reader\",\"scopes\":[\"reader\"]}");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        String token = created.body().get("token").asText();
        SecretsSeen.record(token);
        ApiClient reader = api.withToken(token);
        assertThat(reader.get("/api/v1/reconcile").status()).isEqualTo(200);
        ApiClient.Response refused = reader.post("/api/v1/reconcile/repair", "");
        assertThat(refused.status()).as(refused.body().toString()).isEqualTo(403);
        assertThat(refused.body().get("error").get("code").asText()).isEqualTo("forbidden");
    }

    private static List<String> findings(JsonNode list) {
        List<String> found = new ArrayList<>();
        list.forEach(f -> found.add(f.get("kind").asText() + " " + f.get("tenant_id").asText() + " " + f.get("name").asText()));
        return found;
    }

    private static void assertGaugesMatch(JsonNode body) {
        for (String kind : List.of("database", "role", "secret", "backup_schedule", "git_repository", "monitoring")) {
            assertThat(api.metric("onboarding_reconcile_orphans{kind=\"" + kind + "\"}")).as("orphans " + kind)
                    .isEqualTo((double) count(body.get("orphans"), kind));
            assertThat(api.metric("onboarding_reconcile_missing{kind=\"" + kind + "\"}")).as("missing " + kind)
                    .isEqualTo((double) count(body.get("missing"), kind));
        }
    }

    private static long count(JsonNode list, String kind) {
        long n = 0;
        for (JsonNode finding : list) {
            n += finding.get("kind").asText().equals(kind) ? 1 : 0;
        }
        return n;
    }
}
