package io.onboarding.monitoring;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.onboarding.tenant.TenantRecord;

/**
 * A tenant's Prometheus alert rules: a high 5xx rate (warning), database connections above 80% of
 * the limit (critical), a failed backup (critical) and, for enterprise, the SLA latency rule. The
 * error-rate and latency rules read the tenant application's {@code http_requests_total} and
 * {@code http_request_duration_seconds} series; connections and backups read this service's own.
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
        rule(rules, tenant, "TenantHighErrorRate",
                "sum(rate(http_requests_total{" + selector + ",status=~\"5..\"}[5m]))"
                        + " / sum(rate(http_requests_total{" + selector + "}[5m])) > 0.05",
                "5m", "warning", false,
                "High error rate for tenant " + tenant.tenantName(),
                "More than 5% of requests of tenant " + id + " fail with 5xx ({{ $value | humanizePercentage }}).");
        rule(rules, tenant, "TenantDatabaseConnectionsHigh",
                "onboarding_tenant_database_connections{" + selector + "}"
                        + " / onboarding_tenant_database_connection_limit{" + selector + "} > 0.8",
                "2m", "critical", false,
                "Database connections of tenant " + tenant.tenantName() + " near the limit",
                "Database " + tenant.databaseName() + " uses more than 80% of its " + tenant.connectionLimit()
                        + " connections ({{ $value | humanizePercentage }}).");
        if ("enterprise".equals(tenant.plan())) {
            rule(rules, tenant, "TenantSLABreach",
                    "sum(rate(http_request_duration_seconds_sum{" + selector + "}[5m]))"
                            + " / sum(rate(http_request_duration_seconds_count{" + selector + "}[5m])) > 0.5",
                    "1m", "critical", true,
                    "SLA breach for tenant " + tenant.tenantName(),
                    "Average latency of tenant " + id + " is above 500ms ({{ $value | humanizeDuration }}).");
        }
        rule(rules, tenant, "TenantBackupFailed",
                "backup_job_success{database=\"" + tenant.databaseName() + "\"} == 0",
                "0m", "critical", false,
                "Backup failed for tenant " + tenant.tenantName(),
                "The last backup of database " + tenant.databaseName() + " failed.");
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
