package io.onboarding.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The fleet's tenant rules (the file the service writes at start-up) evaluated by the real
 * {@code promtool test rules}: one rule group, alerts chosen per tenant by its labels.
 */
class FleetAlertRulesTest {

    @Test
    void onlyTheMonitoringLevelLabelDecidesWhichFleetAlertsFire() throws Exception {
        // Three tenants alike but for their level (a basic, b standard, c enterprise): half the requests
        // fail and take 1 s each; a is at its connection limit.
        Path dir = Files.createTempDirectory("fleet-rules");
        Path rules = Files.writeString(dir.resolve("onboarding-tenants.yml"), AlertRules.tenants());
        Path unitTest = dir.resolve("levels-test.yml");
        Files.writeString(unitTest, """
                rule_files: [%s]
                evaluation_interval: 1m
                tests:
                  - interval: 1m
                    input_series:
                %s      - {series: 'onboarding_tenant_database_connections{tenant_id="a",database="tenant_a",tier="free"}', values: '5x15'}
                      - {series: 'onboarding_tenant_database_connection_limit{tenant_id="a",database="tenant_a",tier="free"}', values: '5x15'}
                    alert_rule_test:
                      - eval_time: 10m
                        alertname: TenantHighErrorRate
                        exp_alerts:
                %s      - eval_time: 10m
                        alertname: TenantSLABreach
                        exp_alerts:
                %s      - eval_time: 10m
                        alertname: TenantDatabaseConnectionsHigh
                        exp_alerts:
                          - exp_labels: {severity: critical, tenant_id: a, database: tenant_a, tier: free}
                            exp_annotations:
                              summary: 'Database connections of tenant a near the limit'
                              description: 'Database tenant_a uses more than 80%% of its connection limit (100%%).'
                """.formatted(rules,
                tenantSeries("a", "basic", "free") + tenantSeries("b", "standard", "standard")
                        + tenantSeries("c", "enterprise", "enterprise"),
                errorAlert("b", "standard") + errorAlert("c", "enterprise"),
                """
                          - exp_labels: {severity: critical, sla: "true", tenant_id: c, monitoring_level: enterprise, tier: enterprise}
                            exp_annotations:
                              summary: 'SLA breach for tenant c'
                              description: 'Average latency of tenant c is above 500ms (1s).'
                """));
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

    private static String tenantSeries(String tenant, String level, String tier) {
        return """
                      - {series: 'onboarding_tenant_info{tenant_id="%1$s",monitoring_level="%2$s",tier="%3$s"}', values: '1x15'}
                      - {series: 'http_requests_total{tenant_id="%1$s",status="500"}', values: '0+30x15'}
                      - {series: 'http_requests_total{tenant_id="%1$s",status="200"}', values: '0+30x15'}
                      - {series: 'http_request_duration_seconds_sum{tenant_id="%1$s"}', values: '0+60x15'}
                      - {series: 'http_request_duration_seconds_count{tenant_id="%1$s"}', values: '0+60x15'}
                """.formatted(tenant, level, tier);
    }

    private static String errorAlert(String tenant, String level) {
        return """
                          - exp_labels: {severity: warning, tenant_id: %1$s, monitoring_level: %2$s, tier: %2$s}
                            exp_annotations:
                              summary: 'High error rate for tenant %1$s'
                              description: 'More than 5%% of requests of tenant %1$s fail with 5xx (50%%).'
                """.formatted(tenant, level);
    }
}
