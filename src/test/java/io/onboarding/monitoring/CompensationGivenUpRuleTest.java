package io.onboarding.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The fleet rule for compensations given up (the file the service writes at start-up) evaluated by
 * the real {@code promtool test rules}: it fires when the counter rises, on a counter that starts at 0
 * (the service registers it at 0), and not while it stays flat.
 */
class CompensationGivenUpRuleTest {

    @Test
    void aCompensationGivenUpFiresTheAlertForAnHourAndAFlatCounterDoesNot() throws Exception {
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
        Process test = new ProcessBuilder("promtool", "test", "rules", unitTest.toString()).redirectErrorStream(true)
                .start();
        String output = new String(test.getInputStream().readAllBytes());
        assertThat(test.waitFor()).as(output).isZero();
    }
}
