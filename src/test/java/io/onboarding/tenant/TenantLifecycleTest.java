package io.onboarding.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.Pipelines;
import io.onboarding.support.RunningService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PATCH re-applies a plan; DELETE removes everything a tenant had, after a final backup. */
class TenantLifecycleTest {

    private static RunningService service;
    private static ApiClient api;
    private static Catalog catalog;
    private static Path prometheusDir;

    @BeforeAll
    static void start() throws Exception {
        prometheusDir = Files.createTempDirectory("lifecycle-prometheus");
        service = RunningService.start("platform_lifecycle_test", Map.of(
                "onboarding.prometheus.config-dir", prometheusDir.toString(),
                "onboarding.monitoring.collect-interval-ms", "300"));
        api = service.api();
        catalog = service.catalog();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static JsonNode await202(ApiClient.Response accepted) {
        assertThat(accepted.status()).as(String.valueOf(accepted.body())).isEqualTo(202);
        return service.awaitOperation(accepted.body().get("operation_id").asText());
    }

    @Test
    void aPlanChangeReappliesTheConnectionLimitAlertsAndSchedule() throws Exception {
        UUID tenantId = service.activeTenant("free", null);
        String database = TenantNaming.databaseName(tenantId);
        // The fleet's rules hold for every tenant: no rule file of its own.
        // Written once at start-up, by a timer that may come after the first tenant.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> Files.exists(prometheusDir.resolve("rules/onboarding-tenants.yml")));
        assertThat(prometheusDir.resolve("rules/tenant-" + tenantId + ".yml")).doesNotExist();
        awaitInfo(tenantId, "basic", "free");

        JsonNode operation = await202(api.patch("/api/v1/tenants/" + tenantId,
                "{\"plan\":\"enterprise\",\"backup_policy\":{\"retention_days\":45}}"));
        assertThat(operation.get("type").asText()).isEqualTo("update");
        assertThat(operation.get("status").asText()).isEqualTo("succeeded");
        assertThat(catalog.value("postgres", "SELECT datconnlimit FROM pg_database WHERE datname = ?", database))
                .isEqualTo("100");
        awaitInfo(tenantId, "enterprise", "enterprise");
        JsonNode tenant = api.get("/api/v1/tenants/" + tenantId).body();
        assertThat(tenant.get("plan").asText()).isEqualTo("enterprise");
        assertThat(tenant.get("monitoring_level").asText()).isEqualTo("enterprise");
        assertThat(tenant.get("database").get("connection_limit").asInt()).isEqualTo(100);
        assertThat(tenant.get("backup_policy").get("retention_days").asInt()).isEqualTo(45);
        assertThat(tenant.get("backup_policy").get("schedule").asText()).as("the rest of the policy kept")
                .isEqualTo("0 3 * * 0");

        ApiClient.Response fixed = api.patch("/api/v1/tenants/" + tenantId, "{\"tenant_name\":\"Renamed\",\"region\":\"x\"}");
        assertThat(fixed.status()).isEqualTo(400);
        assertThat(fixed.body().get("error").get("details").toString()).contains("tenant_name").contains("cannot be changed");
        assertThat(api.patch("/api/v1/tenants/" + tenantId, "{\"backup_policy\":{\"schedule\":\"nope\"}}").body()
                .get("error").get("details").get(0).get("field").asText()).isEqualTo("backup_policy.schedule");
        assertThat(api.patch("/api/v1/tenants/" + UUID.randomUUID(), "{\"plan\":\"free\"}").status()).isEqualTo(404);

        // The monitoring level alone decides which fleet rules apply, through the info metric's label;
        // a rule file an earlier release wrote for the tenant goes when its monitoring is re-applied.
        UUID other = service.activeTenant("free", null);
        awaitInfo(other, "basic", "free");
        Path legacyRules = prometheusDir.resolve("rules/tenant-" + other + ".yml");
        Files.writeString(legacyRules, "groups: []\n");
        assertThat(await202(api.patch("/api/v1/tenants/" + other, "{\"monitoring_level\":\"standard\"}"))
                .get("status").asText()).isEqualTo("succeeded");
        awaitInfo(other, "standard", "free");
        assertThat(api.metric(info(other, "basic", "free"))).isNaN();
        assertThat(legacyRules).doesNotExist();
    }

    private static String info(UUID tenantId, String level, String plan) {
        return "onboarding_tenant_info{datname=\"" + TenantNaming.databaseName(tenantId) + "\",monitoring_level=\""
                + level + "\",plan=\"" + plan + "\",status=\"active\",tenant_id=\"" + tenantId + "\"}";
    }

    /** The series on /observe/metrics labelled with the tenant or its database. */
    private static List<String> series(UUID tenantId, String database) {
        return api.get("/observe/metrics").raw().body().lines().filter(line -> !line.startsWith("#"))
                .filter(line -> line.contains("tenant_id=\"" + tenantId + "\"")
                        || line.contains("database=\"" + database + "\"")).toList();
    }

    private static void awaitInfo(UUID tenantId, String level, String plan) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(api.metric(info(tenantId, level, plan))).isEqualTo(1.0));
    }

    @Test
    void suspendClosesTheDatabaseToItsUsersAndResumeOpensIt() throws Exception {
        UUID tenantId = service.activeTenant("standard", null);
        String database = TenantNaming.databaseName(tenantId);
        String user = "probe_" + tenantId.toString().replace("-", "").substring(0, 12);
        String password = UUID.randomUUID().toString();
        catalog.execute("postgres", "CREATE ROLE " + user + " LOGIN PASSWORD '" + password + "' IN ROLE "
                + TenantNaming.roleName(tenantId, TenantRole.DEVELOPER));
        try {
            java.sql.Connection open = catalog.login(database, user, password);
            assertThat(api.post("/api/v1/tenants/" + tenantId + "/suspend", "{}").body().get("error").get("details")
                    .get(0).get("field").asText()).isEqualTo("reason");
            assertThat(api.post("/api/v1/tenants/" + tenantId + "/suspend", "{\"reason\":\"x\",\"until\":\"2030-01-01\"}")
                    .body().get("error").get("details").get(0).get("field").asText()).as("an unknown field").isEqualTo("until");
            JsonNode suspended = await202(api.post("/api/v1/tenants/" + tenantId + "/suspend",
                    "{\"reason\":\"unpaid invoice\"}"));
            assertThat(suspended.get("status").asText()).isEqualTo("succeeded");
            JsonNode tenant = api.get("/api/v1/tenants/" + tenantId).body();
            assertThat(tenant.get("status").asText()).isEqualTo("suspended");
            assertThat(tenant.get("suspension_reason").asText()).isEqualTo("unpaid invoice");
            assertThat(tenant.get("suspended_at").isTextual()).isTrue();
            assertThat(open.isValid(2)).as("the open session was ended").isFalse();
            open.close();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> catalog.login(database, user, password).close())
                    .hasMessageContaining("not currently accepting connections");
            assertThat(api.post("/api/v1/tenants/" + tenantId + "/backups", "").status()).isEqualTo(409);

            assertThat(await202(api.post("/api/v1/tenants/" + tenantId + "/resume", "")).get("status").asText())
                    .isEqualTo("succeeded");
            JsonNode resumed = api.get("/api/v1/tenants/" + tenantId).body();
            assertThat(resumed.get("status").asText()).isEqualTo("active");
            assertThat(resumed.has("suspension_reason")).isFalse();
            catalog.login(database, user, password).close();
            assertThat(api.post("/api/v1/tenants/" + tenantId + "/resume", "").status()).isEqualTo(409);

            // A suspended tenant can be destroyed too: its final backup needs the database open.
            await202(api.post("/api/v1/tenants/" + tenantId + "/suspend", "{\"reason\":\"closing\"}"));
            String name = api.get("/api/v1/tenants/" + tenantId).body().get("tenant_name").asText();
            catalog.execute("postgres", "DROP ROLE " + user);
            JsonNode destroyed = await202(api.delete("/api/v1/tenants/" + tenantId + "?confirm=" + name.replace(" ", "%20")));
            assertThat(destroyed.get("status").asText()).as(destroyed.toString()).isEqualTo("succeeded");
            assertThat(catalog.databaseExists(database)).isFalse();
        } finally {
            catalog.execute("postgres", "DROP ROLE IF EXISTS " + user);
        }
    }

    @Test
    void destroyNeedsTheNameAndThenRemovesEverythingAfterAFinalBackup() throws Exception {
        UUID tenantId = UUID.randomUUID();
        String name = "Doomed " + tenantId.toString().substring(0, 8);
        JsonNode provisioned = service.provision("""
                {"tenant_id":"%s","tenant_name":"%s","plan":"standard","region":"local",
                 "backup_policy":{"encryption_level":"high"}}""".formatted(tenantId, name));
        assertThat(provisioned.get("status").asText()).isEqualTo("succeeded");
        String database = TenantNaming.databaseName(tenantId);
        String login = api.post("/api/v1/tenants/" + tenantId + "/users",
                "{\"email\":\"gone-" + tenantId.toString().substring(0, 8) + "@example.test\",\"role\":\"developer\"}")
                .body().get("database_user").asText();
        assertThat(api.put("/api/v1/tenants/" + tenantId + "/auth-providers", "{\"github\":{\"client_id\":\"a\","
                + "\"client_secret\":\"b\",\"organization\":\"acme\"}}").status()).isEqualTo(200);
        await202(api.post("/api/v1/tenants/" + tenantId + "/backups", ""));
        // The fixed cardinality (docs/monitoring.md): 6 series per tenant (connection limit, info, 4 backup
        // series); its connections, size and transactions are the postgres_exporter's.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(series(tenantId, database)).hasSize(6));

        assertThat(api.delete("/api/v1/tenants/" + tenantId).body().get("error").get("details").get(0)
                .get("field").asText()).isEqualTo("confirm");
        assertThat(api.delete("/api/v1/tenants/" + tenantId + "?confirm=wrong").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/tenants/" + tenantId).body().get("status").asText()).isEqualTo("active");
        assertThat(catalog.databaseExists(database)).isTrue();

        JsonNode destroyed = await202(api.delete("/api/v1/tenants/" + tenantId + "?confirm="
                + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")));
        assertThat(destroyed.get("status").asText()).as(destroyed.toString()).isEqualTo("succeeded");
        List<String> steps = new ArrayList<>();
        destroyed.get("steps").forEach(step -> steps.add(step.get("name").asText() + ":" + step.get("status").asText()));
        // Every step of the destroy pipeline in routes/, in order; a standard tenant has no cloud resource.
        assertThat(steps).containsExactlyElementsOf(Pipelines.steps("destroy").stream()
                .map(step -> step + ":" + (step.equals("release-cloud-resources") ? "skipped" : "done")).toList());
        JsonNode gone = api.get("/api/v1/tenants/" + tenantId).body();
        assertThat(gone.get("status").asText()).isEqualTo("destroyed");
        assertThat(gone.get("destroyed_at").isTextual()).isTrue();
        assertThat(gone.get("final_backup_id").asText()).isEqualTo(catalog.platform(
                "SELECT backup_id::text FROM backups WHERE tenant_id = ? AND kind = 'final'", tenantId).get(0));

        assertThat(catalog.databaseExists(database)).isFalse();
        assertThat(catalog.value("postgres", "SELECT count(*) FROM pg_roles WHERE shobj_description(oid, 'pg_authid') = ?",
                TenantNaming.ownerMarker(tenantId))).isEqualTo("0");
        assertThat(catalog.roleExists(login)).isFalse();
        assertThat(catalog.platform("SELECT count(*) FROM secrets WHERE path LIKE ? OR path LIKE ? OR path = ? OR path = ?",
                "tenant-roles/" + tenantId + "/%", "tenant-users/" + tenantId + "/%", "tenant-auth/" + tenantId,
                "platform/backup-keys/" + tenantId)).containsExactly("0");
        assertThat(prometheusDir.resolve("rules/tenant-" + tenantId + ".yml")).doesNotExist();
        assertThat(prometheusDir.resolve("targets/tenant-" + tenantId + ".json")).doesNotExist();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(series(tenantId, "-")).isEmpty());
        assertThat(catalog.platform("SELECT kind || ' ' || status FROM backups WHERE tenant_id = ? ORDER BY started_at",
                tenantId)).containsExactly("manual succeeded", "final succeeded");
        assertThat(catalog.platform("SELECT count(*) FROM qrtz_triggers WHERE trigger_name LIKE ?",
                "%" + tenantId + "%")).containsExactly("0");

        // The name is free again; a second DELETE is a conflict, not a second destroy.
        assertThat(api.delete("/api/v1/tenants/" + tenantId + "?confirm=" + name.replace(" ", "%20")).status())
                .isEqualTo(409);
        assertThat(service.provision("{\"tenant_name\":\"" + name + "\",\"plan\":\"free\",\"region\":\"local\"}")
                .get("status").asText()).isEqualTo("succeeded");
    }
}
