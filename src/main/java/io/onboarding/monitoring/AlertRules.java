package io.onboarding.monitoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * The fleet's Prometheus alert rules: one group for every tenant ({@link #tenants()}), one for
 * backups ({@link #backups()}), both written at start-up. Rules work {@code by (tenant_id)}: the
 * connection threshold is each tenant's own limit (a series), and the error-rate and SLA rules are
 * kept only for tenants whose {@code onboarding_tenant_info} carries a monitoring level that asks
 * for them. So changing a tenant's level changes a label, never a rule file.
 */
final class AlertRules {

    static final String TENANTS_FILE = "onboarding-tenants.yml";
    static final String BACKUPS_FILE = "onboarding-backups.yml";
    static final String OPERATIONS_FILE = "onboarding-operations.yml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.SPLIT_LINES));

    /** Keeps the series of tenants whose monitoring level matches, adding that level and tier as labels. */
    private static String forLevels(String expr, String levels) {
        return "(" + expr + ") * on(tenant_id) group_left(monitoring_level, tier) onboarding_tenant_info{monitoring_level=~\""
                + levels + "\"}";
    }

    private AlertRules() {
    }

    /** Every tenant: connections (all levels), error rate (standard, enterprise), SLA latency (enterprise). */
    static String tenants() {
        ObjectNode root = YAML.createObjectNode();
        ArrayNode rules = group(root, "onboarding-tenants");
        // group_left keeps the series' other labels (tier, job), which a plain on() would drop.
        rule(rules, "TenantDatabaseConnectionsHigh",
                "onboarding_tenant_database_connections / on(tenant_id, database) group_left"
                        + " onboarding_tenant_database_connection_limit > 0.8",
                "2m", "critical", false,
                "Database connections of tenant {{ $labels.tenant_id }} near the limit",
                "Database {{ $labels.database }} uses more than 80% of its connection limit"
                        + " ({{ $value | humanizePercentage }}).");
        rule(rules, "TenantHighErrorRate", forLevels(
                        "sum by (tenant_id) (rate(http_requests_total{status=~\"5..\"}[5m]))"
                                + " / sum by (tenant_id) (rate(http_requests_total[5m])) > 0.05", "standard|enterprise"),
                "5m", "warning", false,
                "High error rate for tenant {{ $labels.tenant_id }}",
                "More than 5% of requests of tenant {{ $labels.tenant_id }} fail with 5xx"
                        + " ({{ $value | humanizePercentage }}).");
        rule(rules, "TenantSLABreach", forLevels(
                        "sum by (tenant_id) (rate(http_request_duration_seconds_sum[5m]))"
                                + " / sum by (tenant_id) (rate(http_request_duration_seconds_count[5m])) > 0.5",
                        "enterprise"),
                "1m", "critical", true,
                "SLA breach for tenant {{ $labels.tenant_id }}",
                "Average latency of tenant {{ $labels.tenant_id }} is above 500ms ({{ $value | humanizeDuration }}).");
        return render(root);
    }

    /** The fleet's backup rule: the last backup of any tenant database failed. */
    static String backups() {
        return singleRule("onboarding-backups", "TenantBackupFailed", "backup_job_success == 0", "backup",
                "Backup failed for database {{ $labels.database }}",
                "The last backup of database {{ $labels.database }} failed.");
    }

    /**
     * The service's own rule: a compensation given up after its attempt limit left something of a
     * failed operation behind (the operation says {@code "compensated": false}; docs/faults.md).
     */
    static String operations() {
        return singleRule("onboarding-operations", "OperationCompensationGivenUp",
                "sum by (job) (increase(onboarding_compensation_given_up_total[1h])) > 0", "onboarding",
                "A failed operation could not be undone",
                "{{ $value | humanize }} compensation(s) given up in the last hour: see the failed operations with"
                        + " \"compensated\": false and clean up what their steps left.");
    }

    /** A group of one critical rule that fires at once, labelled with the service it is about. */
    private static String singleRule(String groupName, String alert, String expr, String service, String summary,
                                     String description) {
        ObjectNode root = YAML.createObjectNode();
        ObjectNode rule = group(root, groupName).addObject();
        rule.put("alert", alert);
        rule.put("expr", expr);
        rule.put("for", "0m");
        rule.putObject("labels").put("severity", "critical").put("service", service);
        rule.putObject("annotations").put("summary", summary).put("description", description);
        return render(root);
    }

    private static ArrayNode group(ObjectNode root, String name) {
        ObjectNode group = root.putArray("groups").addObject();
        group.put("name", name);
        return group.putArray("rules");
    }

    private static String render(ObjectNode root) {
        try {
            return YAML.writeValueAsString(root);
        } catch (Exception e) {
            throw new IllegalStateException("cannot render alert rules", e);
        }
    }

    private static void rule(ArrayNode rules, String alert, String expr, String forDuration, String severity,
                             boolean sla, String summary, String description) {
        ObjectNode rule = rules.addObject();
        rule.put("alert", alert);
        rule.put("expr", expr);
        rule.put("for", forDuration);
        ObjectNode labels = rule.putObject("labels");
        labels.put("severity", severity);
        if (sla) {
            labels.put("sla", "true");
        }
        ObjectNode annotations = rule.putObject("annotations");
        annotations.put("summary", summary);
        annotations.put("description", description);
    }
}
