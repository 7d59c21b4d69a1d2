package io.onboarding.monitoring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.onboarding.support.ApiClient;
import io.onboarding.support.MonitoringDaemons;
import io.onboarding.support.MonitoringDaemons.Daemon;
import io.onboarding.support.RunningService;
import io.onboarding.support.TestPostgres;
import io.onboarding.tenant.TenantNaming;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Monitoring end to end: rule files checked by the real promtool, a real Prometheus on loopback
 * reading the generated targets and rules and scraping the service, a Grafana stand-in receiving
 * dashboards over HTTP, and the service's own metrics after known work.
 */
class TenantMonitoringTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GRAFANA_TOKEN = "glsa_test_token_0123456789";
    private static Path prometheusDir;
    private static Daemon prometheus;
    private static WireMockServer grafana;
    private static RunningService service;
    private static ApiClient api;
    private static UUID basic;
    private static UUID enterprise;

    @BeforeAll
    static void start() throws Exception {
        prometheusDir = Files.createTempDirectory("prometheus-config");
        grafana = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        grafana.start();
        grafana.stubFor(post(urlEqualTo("/api/dashboards/db")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"status\":\"success\"}")));
        int servicePort = TestPostgres.freePort();
        prometheus = MonitoringDaemons.prometheusForService(prometheusDir, servicePort, """
                  - job_name: tenant-databases
                    file_sd_configs:
                      - files: ["%s/targets/*.json"]
                """.formatted(prometheusDir), "");
        Map<String, String> settings = new HashMap<>(MonitoringDaemons.watchedService(prometheusDir, servicePort,
                prometheus));
        settings.put("onboarding.grafana.url", "http://127.0.0.1:" + grafana.port());
        settings.put("onboarding.grafana.token", GRAFANA_TOKEN);
        service = RunningService.start("platform_monitoring_test", settings);
        api = service.api();
        io.onboarding.support.SecretsSeen.record(GRAFANA_TOKEN);
        basic = service.activeTenant("free", null);
        enterprise = service.activeTenant("enterprise", null);
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
        grafana.stop();
        prometheus.close();
    }

    private static Path rules(UUID tenantId) {
        return prometheusDir.resolve("rules").resolve("tenant-" + tenantId + ".yml");
    }

    @Test
    void fleetRuleFilesPassPromtoolAndSelectRulesByMonitoringLevel() throws Exception {
        Path tenants = prometheusDir.resolve("rules/onboarding-tenants.yml");
        Path backups = prometheusDir.resolve("rules/onboarding-backups.yml");
        Path operations = prometheusDir.resolve("rules/onboarding-operations.yml");
        // Written once at start-up, by timers that may come after the first tenants.
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(tenants) && Files.exists(backups)
                && Files.exists(operations));
        for (Path file : List.of(tenants, backups, operations)) {
            Process check = new ProcessBuilder("promtool", "check", "rules", file.toString())
                    .redirectErrorStream(true).start();
            String output = new String(check.getInputStream().readAllBytes());
            assertThat(check.waitFor()).as(output).isZero();
        }
        // One rule group for every tenant, no copy per tenant (what it selects: FleetAlertRulesTest).
        assertThat(rules(basic)).doesNotExist();
        assertThat(rules(enterprise)).doesNotExist();
        assertThat(Files.readString(tenants)).doesNotContain(basic.toString(), enterprise.toString());
        // A failed backup is one rule for the whole fleet, there whatever a tenant's monitoring step did.
        assertThat(Files.readString(backups)).contains("TenantBackupFailed", "label_replace(backup_job_success", ") == 0)",
                "service: backup");
        JsonNode targets = JSON.readTree(prometheusDir.resolve("targets/tenant-" + enterprise + ".json").toFile());
        assertThat(targets.get(0).get("labels").get("tenant_id").asText()).isEqualTo(enterprise.toString());
        assertThat(targets.get(0).get("labels").get("tier").asText()).isEqualTo("enterprise");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.metric(
                "onboarding_tenant_info{datname=\"" + TenantNaming.databaseName(basic)
                        + "\",monitoring_level=\"basic\",plan=\"free\",status=\"active\",tenant_id=\"" + basic + "\"}"))
                .isEqualTo(1.0));
    }

    @Test
    void prometheusLoadsTheFleetRuleGroupsAndScrapesTheService() {
        ApiClient prometheusApi = prometheus.http();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<String> groups = new ArrayList<>();
            prometheusApi.get("/api/v1/rules").body().get("data").get("groups")
                    .forEach(group -> groups.add(group.get("name").asText()));
            assertThat(groups).containsExactlyInAnyOrder("onboarding-tenants", "onboarding-backups",
                    "onboarding-operations");
        });
        // Evaluated without error: the joins on tenant_id match one to one.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<String> health = new ArrayList<>();
            prometheusApi.get("/api/v1/rules").body().get("data").get("groups").forEach(group -> group.get("rules")
                    .forEach(rule -> health.add(rule.get("name").asText() + " " + rule.get("health").asText())));
            assertThat(health).hasSize(7).allMatch(rule -> rule.endsWith(" ok"));
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode service = null;
            for (JsonNode target : prometheusApi.get("/api/v1/targets").body().get("data").get("activeTargets")) {
                if (target.get("labels").get("job").asText().equals("tenant-onboarding")) {
                    service = target;
                }
            }
            assertThat(service).isNotNull();
            assertThat(service.get("health").asText()).isEqualTo("up");
        });
        // The connection alert's series reach Prometheus through that scrape, and the level join finds the tenant.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(prometheusApi.get(
                "/api/v1/query?query=onboarding_tenant_database_connection_limit%7Btenant_id%3D%22" + enterprise
                        + "%22%7D").body().get("data").get("result").get(0).get("value").get(1).asText())
                .isEqualTo("100"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(prometheusApi.get(
                "/api/v1/query?query=onboarding_tenant_info%7Bmonitoring_level%3D%22enterprise%22%2Ctenant_id%3D%22"
                        + enterprise + "%22%7D").body().get("data").get("result")).hasSize(1));
    }

    @Test
    void grafanaReceivesOneFleetDashboardWithTenantAndDatasourceVariables() {
        grafana.verify(postRequestedFor(urlEqualTo("/api/dashboards/db"))
                .withHeader("Authorization", equalTo("Bearer " + GRAFANA_TOKEN))
                .withRequestBody(matchingJsonPath("$.dashboard.uid", equalTo("onboarding-tenants")))
                .withRequestBody(matchingJsonPath("$.dashboard.templating.list[?(@.name == 'tenant')].query.query",
                        equalTo("label_values(onboarding_tenant_info, tenant_id)")))
                .withRequestBody(matchingJsonPath("$.dashboard.templating.list[?(@.name == 'datasource')].type",
                        equalTo("datasource")))
                .withRequestBody(matchingJsonPath("$.overwrite", equalTo("true"))));
        // Per-tenant dashboards only when asked for (onboarding.grafana.per-tenant-dashboards).
        for (UUID tenant : List.of(basic, enterprise)) {
            grafana.verify(0, postRequestedFor(urlEqualTo("/api/dashboards/db"))
                    .withRequestBody(matchingJsonPath("$.dashboard.uid", equalTo("tenant-" + tenant.toString()
                            .replace("-", "")))));
        }
    }

    @Test
    void serviceMetricsShowTheWorkDone() throws Exception {
        // Connections per database are the postgres_exporter's (PostgresExporterTest), not the service's.
        assertThat(api.get("/observe/metrics").raw().body())
                .doesNotContain("onboarding_tenant_database_connections{");
        // Counted just after the operation is journaled succeeded, which is what the start-up waited for.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.metric(
                "onboarding_operations_total{outcome=\"succeeded\",type=\"provision\"}")).isEqualTo(2.0));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.metric(
                "onboarding_tenant_database_connection_limit{datname=\"" + TenantNaming.databaseName(basic)
                        + "\",tenant_id=\"" + basic + "\"}")).isEqualTo(5.0));
        // Read from the control plane by the collection timer, which may not have run since both became active.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(api.metric("onboarding_tenants{status=\"active\"}")).isGreaterThanOrEqualTo(2.0));
        assertThat(api.metric("onboarding_operation_step_duration_seconds_count{status=\"done\","
                + "step=\"create-tenant-database\"}")).isEqualTo(2.0);
        String all = api.get("/observe/metrics").raw().body();
        assertThat(all).contains("jvm_memory_used_bytes").contains("camel_exchanges_total")
                .contains("onboarding_operation_step_duration_seconds_bucket");
        JsonNode health = api.withToken(null).get("/observe/health").body();
        assertThat(health.get("status").asText()).isEqualTo("UP");
        assertThat(health.toString()).contains("control-plane-database", "jms-broker", "secret-store");
    }

    @Test
    void aMonitoringFailureLeavesTheTenantActiveWithAWarningThatClearsOnRetry() throws Exception {
        Path blocked = Files.createTempFile("not-a-directory", ".txt");
        try (RunningService broken = RunningService.start("platform_monitoring_broken_test", Map.of(
                "onboarding.prometheus.config-dir", blocked.toString(),
                "onboarding.grafana.url", "http://127.0.0.1:" + grafana.port(),
                "onboarding.grafana.token", GRAFANA_TOKEN,
                "onboarding.grafana.per-tenant-dashboards", "true",
                "onboarding.monitoring.retry-interval-ms", "1000"))) {
            UUID tenantId = UUID.randomUUID();
            JsonNode operation = broken.provision("""
                    {"tenant_id":"%s","tenant_name":"Unwatched %s","plan":"standard","region":"local"}"""
                    .formatted(tenantId, tenantId.toString().substring(0, 8)));
            assertThat(operation.get("status").asText()).isEqualTo("succeeded");
            JsonNode step = null;
            for (JsonNode candidate : operation.get("steps")) {
                if (candidate.get("name").asText().equals("configure-tenant-monitoring")) {
                    step = candidate;
                }
            }
            assertThat(step.get("status").asText()).isEqualTo("warning");
            assertThat(step.get("reason").asText()).startsWith("monitoring: ");
            assertThat(step.get("error").isNull()).isTrue();
            JsonNode tenant = broken.api().get("/api/v1/tenants/" + tenantId).body();
            assertThat(tenant.get("status").asText()).isEqualTo("active");
            assertThat(tenant.get("warnings").get(0).asText()).startsWith("monitoring: ");

            Files.delete(blocked); // the directory can be made now: the retry job succeeds
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    broken.api().get("/api/v1/tenants/" + tenantId).body().get("warnings").isEmpty());
            assertThat(blocked.resolve("targets/tenant-" + tenantId + ".json")).exists();
            // Asked for, with Grafana's API: a dashboard of its own besides the fleet's.
            grafana.verify(postRequestedFor(urlEqualTo("/api/dashboards/db")).withRequestBody(matchingJsonPath(
                    "$.dashboard.uid", equalTo("tenant-" + tenantId.toString().replace("-", "")))));
        }
    }
}
