package io.onboarding.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.onboarding.support.MonitoringDaemons;
import io.onboarding.support.MonitoringDaemons.ToolRun;
import io.onboarding.support.QuickTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The documented Alertmanager configuration, checked and routed by the real amtool. */
@QuickTest
class AlertmanagerConfigTest {

    private static final String CONFIG = AlertDeliveryTest.DOCUMENTED.toString();

    @Test
    void theDocumentedConfigurationPassesAmtool() throws Exception {
        ToolRun check = MonitoringDaemons.run("amtool", "check-config", CONFIG);
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("1 inhibit rules", "2 receivers");
    }

    @ParameterizedTest
    @CsvSource({
            "TenantBackupFailed, critical, free, pager",
            "TenantSLABreach, critical, enterprise, pager",
            "TenantHighErrorRate, warning, enterprise, pager",
            "TenantHighErrorRate, warning, standard, mail",
            "TenantDatabaseDeadlocks, warning, free, mail",
            "TenantSuspended, info, enterprise, mail"})
    void alertsAreRoutedBySeverityAndPlan(String alert, String severity, String plan, String receiver)
            throws Exception {
        ToolRun route = MonitoringDaemons.run("amtool", "config", "routes", "test", "--config.file=" + CONFIG,
                "alertname=" + alert, "severity=" + severity, "plan=" + plan, "tenant_id=t1");
        assertThat(route.exitCode()).as(route.output()).isZero();
        assertThat(route.output().lines().filter(line -> !line.startsWith("Warning:")).toList()).containsExactly(receiver);
    }
}
