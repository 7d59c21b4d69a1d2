package io.onboarding.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.onboarding.support.QuickTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The fleet's rules (the files the service writes at start-up) evaluated by the real
 * {@code promtool test rules}: one rule group, alerts chosen per tenant by its labels, per-database
 * series (postgres_exporter, backups) joined to their tenant through {@code datname}.
 */
@QuickTest
class FleetAlertRulesTest {

    @Test
    void onlyTheMonitoringLevelLabelDecidesWhichFleetAlertsFire() throws Exception {
        // Three tenants alike but for their level (a basic, b standard, c enterprise): half the requests
        // fail and take 1 s each; a is at its connection limit; c's database had deadlocks, b's backup
        // failed; d is suspended. A database of no tenant (postgres) alerts nothing.
        Path dir = Files.createTempDirectory("fleet-rules");
        Path tenants = Files.writeString(dir.resolve("onboarding-tenants.yml"), AlertRules.tenants());
        Path backups = Files.writeString(dir.resolve("onboarding-backups.yml"), AlertRules.backups());
        Path unitTest = dir.resolve("levels-test.yml");
        Files.writeString(unitTest, """
                rule_files: [%s, %s]
                evaluation_interval: 1m
                tests:
                  - interval: 1m
                    input_series:
                %s      - {series: 'onboarding_tenant_info{tenant_id="d",plan="free",monitoring_level="basic",status="suspended",datname="tenant_d"}', values: '1x15'}
                      - {series: 'pg_stat_database_numbackends{datname="tenant_a",instance="pg:9187"}', values: '5x15'}
                      - {series: 'pg_stat_database_numbackends{datname="postgres",instance="pg:9187"}', values: '50x15'}
                      - {series: 'onboarding_tenant_database_connection_limit{tenant_id="a",datname="tenant_a"}', values: '5x15'}
                      - {series: 'pg_stat_database_deadlocks{datname="tenant_c",instance="pg:9187"}', values: '0 0 0 0 0 3x10'}
                      - {series: 'pg_stat_database_deadlocks{datname="postgres",instance="pg:9187"}', values: '0+1x15'}
                      - {series: 'backup_job_success{database="tenant_a"}', values: '1x15'}
                      - {series: 'backup_job_success{database="tenant_b"}', values: '0x15'}
                    alert_rule_test:
                      - eval_time: 10m
                        alertname: TenantHighErrorRate
                        exp_alerts:
                %s      - eval_time: 10m
                        alertname: TenantSLABreach
                        exp_alerts:
                          - exp_labels: {severity: critical, sla: "true", tenant_id: c, monitoring_level: enterprise, plan: enterprise}
                            exp_annotations:
                              summary: 'SLA breach for tenant c'
                              description: 'Average latency of tenant c is above 500ms (1s).'
                              runbook_url: docs/runbooks.md#tenantslabreach
                      - eval_time: 10m
                        alertname: TenantDatabaseConnectionsHigh
                        exp_alerts:
                          - exp_labels: {severity: critical, tenant_id: a, datname: tenant_a, plan: free, monitoring_level: basic}
                            exp_annotations:
                              summary: 'Database connections of tenant a near the limit'
                              description: 'Database tenant_a uses more than 80%% of its connection limit (100%%).'
                              runbook_url: docs/runbooks.md#tenantdatabaseconnectionshigh
                      - eval_time: 10m
                        alertname: TenantDatabaseDeadlocks
                        exp_alerts:
                          - exp_labels: {severity: warning, tenant_id: c, datname: tenant_c, plan: enterprise, monitoring_level: enterprise}
                            exp_annotations:
                              summary: 'Deadlocks in the database of tenant c'
                              description: 'Database tenant_c had deadlocks in the last 10 minutes (pg_stat_database_deadlocks).'
                              runbook_url: docs/runbooks.md#tenantdatabasedeadlocks
                      - eval_time: 10m
                        alertname: TenantBackupFailed
                        exp_alerts:
                          - exp_labels: {severity: critical, service: backup, tenant_id: b, database: tenant_b, datname: tenant_b, plan: standard, monitoring_level: standard}
                            exp_annotations:
                              summary: 'Backup failed for tenant b'
                              description: 'The last backup of database tenant_b failed.'
                              runbook_url: docs/runbooks.md#tenantbackupfailed
                      - eval_time: 10m
                        alertname: TenantSuspended
                        exp_alerts:
                          - exp_labels: {severity: info, tenant_id: d, datname: tenant_d, plan: free, monitoring_level: basic, status: suspended}
                            exp_annotations:
                              summary: 'Tenant d is suspended'
                              description: 'Tenant d (free) is suspended: its other alerts are inhibited.'
                              runbook_url: docs/runbooks.md#tenantsuspended
                """.formatted(tenants, backups,
                tenantSeries("a", "basic", "free") + tenantSeries("b", "standard", "standard")
                        + tenantSeries("c", "enterprise", "enterprise"),
                errorAlert("b", "standard") + errorAlert("c", "enterprise")));
        promtoolTestRules(unitTest);
    }

    /**
     * The service's own rule for compensations given up: it fires when the counter rises (the service
     * registers it at 0, so the first give-up is an increase), for an hour, and never on a flat counter.
     */
    @Test
    void aCompensationGivenUpFiresItsAlertForAnHourAndAFlatCounterDoesNot() throws Exception {
        Path dir = Files.createTempDirectory("operations-rules");
        Path rules = Files.writeString(dir.resolve(AlertRules.OPERATIONS_FILE), AlertRules.operations());
        Path unitTest = dir.resolve("given-up-test.yml");
        // Instance a gives up one compensation at minute 10; instance b never does.
        Files.writeString(unitTest, """
                rule_files: [%s]
                evaluation_interval: 1m
                tests:
                  - interval: 1m
                    input_series:
                      - {series: 'onboarding_compensation_given_up_total{job="onboarding",instance="a"}', values: '0x9 1x100'}
                      - {series: 'onboarding_compensation_given_up_total{job="other",instance="b"}', values: '0x110'}
                    alert_rule_test:
                      - eval_time: 5m
                        alertname: OperationCompensationGivenUp
                        exp_alerts: []
                      - eval_time: 15m
                        alertname: OperationCompensationGivenUp
                        exp_alerts:
                          - exp_labels: {severity: critical, service: onboarding, job: onboarding}
                            exp_annotations:
                              summary: 'A failed operation could not be undone'
                              description: '1 compensation(s) given up in the last hour: see the failed operations with "compensated": false and clean up what their steps left.'
                              runbook_url: docs/runbooks.md#operationcompensationgivenup
                      - eval_time: 100m
                        alertname: OperationCompensationGivenUp
                        exp_alerts: []
                """.formatted(rules));
        promtoolTestRules(unitTest);
    }

    private static void promtoolTestRules(Path unitTest) throws Exception {
        Process test = new ProcessBuilder("promtool", "test", "rules", unitTest.toString()).redirectErrorStream(true)
                .start();
        String output = new String(test.getInputStream().readAllBytes());
        assertThat(test.waitFor()).as(output).isZero();
    }

    @Test
    void everyAlertHasARunbookSectionWhereItsRunbookUrlPoints() throws Exception {
        String runbooks = Files.readString(Path.of(AlertRules.RUNBOOKS));
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<String> alerts = new ArrayList<>();
        for (String file : List.of(AlertRules.tenants(), AlertRules.backups(), AlertRules.operations())) {
            for (JsonNode rule : yaml.readTree(file).get("groups").get(0).get("rules")) {
                String alert = rule.get("alert").asText();
                alerts.add(alert);
                assertThat(rule.get("labels").get("severity").asText()).isIn("info", "warning", "critical");
                assertThat(rule.get("annotations").get("runbook_url").asText())
                        .isEqualTo("docs/runbooks.md#" + alert.toLowerCase(Locale.ROOT));
                assertThat(runbooks).as(alert).contains("\n## " + alert + "\n");
            }
        }
        assertThat(alerts).hasSize(7);
    }

    private static String tenantSeries(String tenant, String level, String plan) {
        return """
                      - {series: 'onboarding_tenant_info{tenant_id="%1$s",monitoring_level="%2$s",plan="%3$s",status="active",datname="tenant_%1$s"}', values: '1x15'}
                      - {series: 'http_requests_total{tenant_id="%1$s",status="500"}', values: '0+30x15'}
                      - {series: 'http_requests_total{tenant_id="%1$s",status="200"}', values: '0+30x15'}
                      - {series: 'http_request_duration_seconds_sum{tenant_id="%1$s"}', values: '0+60x15'}
                      - {series: 'http_request_duration_seconds_count{tenant_id="%1$s"}', values: '0+60x15'}
                """.formatted(tenant, level, plan);
    }

    private static String errorAlert(String tenant, String level) {
        return """
                          - exp_labels: {severity: warning, tenant_id: %1$s, monitoring_level: %2$s, plan: %2$s}
                            exp_annotations:
                              summary: 'High error rate for tenant %1$s'
                              description: 'More than 5%% of requests of tenant %1$s fail with 5xx (50%%).'
                              runbook_url: docs/runbooks.md#tenanthigherrorrate
                """.formatted(tenant, level);
    }
}
