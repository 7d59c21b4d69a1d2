package io.onboarding.monitoring;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.onboarding.tenant.PlanCatalog;
import io.onboarding.tenant.TenantRecord;

/**
 * Prometheus alert rules. Per tenant, chosen by its {@code monitoring_level}: basic has database
 * connections above 80% of the limit (critical); standard adds a high 5xx rate (warning);
 * enterprise adds the SLA latency rule. The error-rate and latency rules read the tenant
 * application's {@code http_requests_total} and {@code http_request_duration_seconds}; connections
 * read this service's own series. A failed backup is one fleet-wide rule ({@link #backups()}, label
 * {@code service: backup}), written at start-up, so it holds for a tenant whose monitoring step failed.
 */
final class AlertRules {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private AlertRules() {
    }

    static String forTenant(TenantRecord tenant) {
        String id = tenant.tenantId().toString();
        String selector = "tenant_id=\"" + id + "\"";
        ObjectNode root = YAML.createObjectNode();
        ObjectNode group = root.putArray("groups").addObject();
        group.put("name", "tenant-" + id);
        ArrayNode rules = group.putArray("rules");
        int level = PlanCatalog.MONITORING_LEVELS.indexOf(tenant.monitoringLevel());
        if (level >= 1) {
            rule(rules, tenant, "TenantHighErrorRate",
                    "sum(rate(http_requests_total{" + selector + ",status=~\"5..\"}[5m]))"
                            + " / sum(rate(http_requests_total{" + selector + "}[5m])) > 0.05",
                    "5m", "warning", false,
                    "High error rate for tenant " + tenant.tenantName(),
                    "More than 5% of requests of tenant " + id + " fail with 5xx ({{ $value | humanizePercentage }}).");
        }
        rule(rules, tenant, "TenantDatabaseConnectionsHigh",
                "onboarding_tenant_database_connections{" + selector + "}"
                        + " / onboarding_tenant_database_connection_limit{" + selector + "} > 0.8",
                "2m", "critical", false,
                "Database connections of tenant " + tenant.tenantName() + " near the limit",
                "Database " + tenant.databaseName() + " uses more than 80% of its " + tenant.connectionLimit()
                        + " connections ({{ $value | humanizePercentage }}).");
        if (level >= 2) {
            rule(rules, tenant, "TenantSLABreach",
                    "sum(rate(http_request_duration_seconds_sum{" + selector + "}[5m]))"
                            + " / sum(rate(http_request_duration_seconds_count{" + selector + "}[5m])) > 0.5",
                    "1m", "critical", true,
                    "SLA breach for tenant " + tenant.tenantName(),
                    "Average latency of tenant " + id + " is above 500ms ({{ $value | humanizeDuration }}).");
        }
        return render(root);
    }

    /** The fleet's backup rule: the last backup of any tenant database failed. */
    static String backups() {
        ObjectNode root = YAML.createObjectNode();
        ObjectNode group = root.putArray("groups").addObject();
        group.put("name", "onboarding-backups");
        ObjectNode rule = group.putArray("rules").addObject();
        rule.put("alert", "TenantBackupFailed");
        rule.put("expr", "backup_job_success == 0");
        rule.put("for", "0m");
        rule.putObject("labels").put("severity", "critical").put("service", "backup");
        rule.putObject("annotations").put("summary", "Backup failed for database {{ $labels.database }}")
                .put("description", "The last backup of database {{ $labels.database }} failed.");
        return render(root);
    }

    private static String render(ObjectNode root) {
        try {
            return YAML.writeValueAsString(root);
        } catch (Exception e) {
            throw new IllegalStateException("cannot render alert rules", e);
        }
    }

    private static void rule(ArrayNode rules, TenantRecord tenant, String alert, String expr, String forDuration,
                             String severity, boolean sla, String summary, String description) {
        ObjectNode rule = rules.addObject();
        rule.put("alert", alert);
        rule.put("expr", expr);
        rule.put("for", forDuration);
        ObjectNode labels = rule.putObject("labels");
        labels.put("severity", severity);
        labels.put("tenant_id", tenant.tenantId().toString());
        labels.put("tier", tenant.plan());
        if (sla) {
            labels.put("sla", "true");
        }
        ObjectNode annotations = rule.putObject("annotations");
        annotations.put("summary", summary);
        annotations.put("description", description);
    }
}
