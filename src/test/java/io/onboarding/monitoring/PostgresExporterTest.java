package io.onboarding.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.MonitoringDaemons;
import io.onboarding.support.MonitoringDaemons.Daemon;
import io.onboarding.support.MonitoringDaemons.ToolRun;
import io.onboarding.support.RunningService;
import io.onboarding.support.TestPostgres;
import io.onboarding.tenant.TenantNaming;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Database metrics from Debian's real postgres_exporter against the test cluster, joined to the
 * service's tenants by a real Prometheus through {@code datname}, as the fleet's rules and
 * dashboard do.
 */
class PostgresExporterTest {

    private static Path prometheusDir;
    private static Daemon exporter;
    private static Daemon prometheus;
    private static RunningService service;
    private static UUID tenantId;
    private static String database;

    @BeforeAll
    static void start() throws Exception {
        prometheusDir = Files.createTempDirectory("exporter-prometheus");
        exporter = MonitoringDaemons.postgresExporter(TestPostgres.freePort());
        int servicePort = TestPostgres.freePort();
        prometheus = MonitoringDaemons.prometheusForService(prometheusDir, servicePort, """
                  - job_name: postgres-exporter
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(exporter.port()), "");
        // The service asks Prometheus to reload once it has written the rules.
        service = RunningService.start("platform_exporter_test",
                MonitoringDaemons.watchedService(prometheusDir, servicePort, prometheus));
        tenantId = service.activeTenant("standard", null);
        database = TenantNaming.databaseName(tenantId);
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
        prometheus.close();
        exporter.close();
    }

    @Test
    void theExporterReportsTheTenantDatabase() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<String> series = new ArrayList<>();
            exporter.http().get("/metrics").raw().body().lines()
                    .filter(line -> line.contains("datname=\"" + database + "\""))
                    .forEach(line -> series.add(line.substring(0, line.indexOf('{'))));
            assertThat(series).contains("pg_stat_database_numbackends", "pg_database_size_bytes",
                    "pg_stat_database_xact_commit", "pg_stat_database_xact_rollback", "pg_stat_database_deadlocks");
        });
    }

    @Test
    void theFleetRulesOnExporterSeriesPassPromtoolAndEvaluate() throws Exception {
        Path tenants = prometheusDir.resolve("rules/" + AlertRules.TENANTS_FILE);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(tenants));
        assertThat(Files.readString(tenants)).contains("pg_stat_database_numbackends", "pg_stat_database_deadlocks");
        ToolRun check = MonitoringDaemons.run("promtool", "check", "rules", tenants.toString());
        assertThat(check.exitCode()).as(check.output()).isZero();
        // Prometheus loaded and evaluates them without error (the joins on datname match one to one).
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<String> health = new ArrayList<>();
            prometheus.http().get("/api/v1/rules").body().get("data").get("groups").forEach(group -> group.get("rules")
                    .forEach(rule -> health.add(rule.get("name").asText() + " " + rule.get("health").asText())));
            assertThat(health).contains("TenantDatabaseConnectionsHigh ok", "TenantDatabaseDeadlocks ok");
        });
    }

    @Test
    void prometheusJoinsExporterSeriesToTheTenantThroughDatname() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode result = prometheus.query(
                    "pg_database_size_bytes * on(datname) group_left(tenant_id, plan) onboarding_tenant_info");
            List<String> tenants = new ArrayList<>();
            result.forEach(row -> tenants.add(row.get("metric").get("tenant_id").asText() + " "
                    + row.get("metric").get("datname").asText() + " " + row.get("metric").get("plan").asText()));
            assertThat(tenants).contains(tenantId + " " + database + " standard");
            assertThat(prometheus.query("pg_database_size_bytes{datname=\"" + database + "\"}").get(0).get("value")
                    .get(1).asDouble()).isPositive();
        });
        // The connections the connection alert reads, against the limit only the service reports.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(prometheus.query(
                "max by (datname) (pg_stat_database_numbackends{datname=\"" + database + "\"}) / on(datname)"
                        + " max by (datname) (onboarding_tenant_database_connection_limit)")).hasSize(1));
    }

    @Test
    void everyFleetDashboardQueryRunsAndTheDatabasePanelsShowTheTenant() {
        List<String> withData = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            withData.clear();
            for (JsonNode panel : Dashboards.fleet().get("panels")) {
                for (JsonNode target : panel.get("targets")) {
                    String expr = target.get("expr").asText().replace("$tenant", tenantId.toString());
                    JsonNode answer = prometheus.answer(expr);
                    assertThat(answer.get("status").asText()).as(expr + " " + answer).isEqualTo("success");
                    if (!answer.get("data").get("result").isEmpty()) {
                        withData.add(panel.get("title").asText() + "/" + target.get("legendFormat").asText());
                    }
                }
            }
            assertThat(withData).contains("Database connections vs limit/connections",
                    "Database connections vs limit/limit", "Database size/size", "Transactions per second/commits",
                    "Deadlocks (per hour)/deadlocks");
        });
    }
}
