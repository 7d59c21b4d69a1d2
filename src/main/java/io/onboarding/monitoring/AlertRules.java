package io.onboarding.monitoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.Locale;

/**
 * The fleet's Prometheus alert rules: one group for every tenant ({@link #tenants()}), one for
 * backups ({@link #backups()}), both written at start-up. Every alert names its tenant
 * ({@code tenant_id}), the tenant's {@code plan} and {@code monitoring_level}, a {@code severity}
 * (Alertmanager routes on severity and plan, docs/alerting.md) and a {@code runbook_url} into
 * docs/runbooks.md. Per-database series (the postgres_exporter's {@code pg_*}, the service's
 * backup and connection-limit series) reach their tenant through the database name: {@code * on(datname)
 * group_left(…) onboarding_tenant_info}. Error-rate and SLA rules are kept only for tenants whose
 * monitoring level asks for them, so changing a level changes a label, never a rule file.
 */
final class AlertRules {

    static final String TENANTS_FILE = "onboarding-tenants.yml";
    static final String BACKUPS_FILE = "onboarding-backups.yml";
    static final String OPERATIONS_FILE = "onboarding-operations.yml";
    /** Where each alert's runbook is: a heading per alert name in this file. */
    static final String RUNBOOKS = "docs/runbooks.md";

    private static final String TENANT_LABELS = "tenant_id, plan, monitoring_level";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.SPLIT_LINES));

    private AlertRules() {
    }

    /** A per-database expression (label datname) given its tenant's labels; databases of no tenant drop out. */
    private static String forDatabaseTenants(String expr) {
        return "(" + expr + ") * on(datname) group_left(" + TENANT_LABELS + ") onboarding_tenant_info";
    }

    /** Keeps the per-tenant series of tenants whose monitoring level matches, adding their labels. */
    private static String forLevels(String expr, String levels) {
        return "(" + expr + ") * on(tenant_id) group_left(plan, monitoring_level) onboarding_tenant_info{monitoring_level=~\""
                + levels + "\"}";
    }

    /** Every tenant: suspension, connections and deadlocks (all levels), error rate (standard, enterprise), SLA (enterprise). */
    static String tenants() {
        ObjectNode root = YAML.createObjectNode();
        ArrayNode rules = group(root, "onboarding-tenants");
        // Informational, and what Alertmanager's inhibit rule mutes the tenant's other alerts with.
        rule(rules, "TenantSuspended", "onboarding_tenant_info{status=\"suspended\"}", "0m", "info",
                "Tenant {{ $labels.tenant_id }} is suspended",
                "Tenant {{ $labels.tenant_id }} ({{ $labels.plan }}) is suspended: its other alerts are inhibited.");
        // The exporter may be scraped more than once (several targets, several Prometheus jobs): max by datname.
        rule(rules, "TenantDatabaseConnectionsHigh", forDatabaseTenants(
                        "max by (datname) (pg_stat_database_numbackends) / on(datname)"
                                + " max by (datname) (onboarding_tenant_database_connection_limit) > 0.8"),
                "2m", "critical",
                "Database connections of tenant {{ $labels.tenant_id }} near the limit",
                "Database {{ $labels.datname }} uses more than 80% of its connection limit"
                        + " ({{ $value | humanizePercentage }}).");
        rule(rules, "TenantDatabaseDeadlocks", forDatabaseTenants(
                        "max by (datname) (increase(pg_stat_database_deadlocks[10m])) > 0"),
                "0m", "warning",
                "Deadlocks in the database of tenant {{ $labels.tenant_id }}",
                "Database {{ $labels.datname }} had deadlocks in the last 10 minutes (pg_stat_database_deadlocks).");
        rule(rules, "TenantHighErrorRate", forLevels(
                        "sum by (tenant_id) (rate(http_requests_total{status=~\"5..\"}[5m]))"
                                + " / sum by (tenant_id) (rate(http_requests_total[5m])) > 0.05", "standard|enterprise"),
                "5m", "warning",
                "High error rate for tenant {{ $labels.tenant_id }}",
                "More than 5% of requests of tenant {{ $labels.tenant_id }} fail with 5xx"
                        + " ({{ $value | humanizePercentage }}).");
        rule(rules, "TenantSLABreach", forLevels(
                        "sum by (tenant_id) (rate(http_request_duration_seconds_sum[5m]))"
                                + " / sum by (tenant_id) (rate(http_request_duration_seconds_count[5m])) > 0.5",
                        "enterprise"),
                "1m", "critical",
                "SLA breach for tenant {{ $labels.tenant_id }}",
                "Average latency of tenant {{ $labels.tenant_id }} is above 500ms ({{ $value | humanizeDuration }}).")
                .put("sla", "true");
        return render(root);
    }

    /** The fleet's backup rule: the last backup of a tenant's database failed. */
    static String backups() {
        ObjectNode root = YAML.createObjectNode();
        ArrayNode rules = group(root, "onboarding-backups");
        // backup_job_success is labelled by database: renamed datname for the join.
        rule(rules, "TenantBackupFailed", forDatabaseTenants(
                        "label_replace(backup_job_success, \"datname\", \"$1\", \"database\", \"(.+)\") == 0"),
                "0m", "critical",
                "Backup failed for tenant {{ $labels.tenant_id }}",
                "The last backup of database {{ $labels.database }} failed.")
                .put("service", "backup");
        return render(root);
    }

    /**
     * The service's own rule: a compensation given up after its attempt limit left something of a
     * failed operation behind (the operation says {@code "compensated": false}; docs/faults.md).
     */
    static String operations() {
        ObjectNode root = YAML.createObjectNode();
        rule(group(root, "onboarding-operations"), "OperationCompensationGivenUp",
                "sum by (job) (increase(onboarding_compensation_given_up_total[1h])) > 0", "0m", "critical",
                "A failed operation could not be undone",
                "{{ $value | humanize }} compensation(s) given up in the last hour: see the failed operations with"
                        + " \"compensated\": false and clean up what their steps left.")
                .put("service", "onboarding");
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

    /** Adds a rule and returns its labels, for rules that carry more than the severity. */
    private static ObjectNode rule(ArrayNode rules, String alert, String expr, String forDuration, String severity,
                                   String summary, String description) {
        ObjectNode rule = rules.addObject();
        rule.put("alert", alert);
        rule.put("expr", expr);
        rule.put("for", forDuration);
        ObjectNode labels = rule.putObject("labels").put("severity", severity);
        rule.putObject("annotations").put("summary", summary).put("description", description)
                .put("runbook_url", RUNBOOKS + "#" + alert.toLowerCase(Locale.ROOT));
        return labels;
    }
}
