package io.onboarding.monitoring;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.onboarding.kit.Json;
import io.onboarding.tenant.PlanCatalog;
import io.onboarding.tenant.TenantRecord;
import java.util.UUID;

/**
 * Grafana dashboards: connections against the limit, backup status, database size, transactions,
 * deadlocks (postgres_exporter series joined to tenants through datname), error rate, latency. One
 * for the fleet, with a {@code $datasource} and a {@code $tenant} variable and the cluster's
 * replication lag; per tenant only on request (panels then chosen by the tenant's monitoring level).
 */
final class Dashboards {

    static final String FLEET_UID = "onboarding-tenants";
    private static final String DATASOURCE = "${datasource}";

    private Dashboards() {
    }

    static String uid(UUID tenantId) {
        // Grafana uids are at most 40 characters.
        return "tenant-" + tenantId.toString().replace("-", "");
    }

    static ObjectNode fleet() {
        ObjectNode dashboard = dashboard(FLEET_UID, "Tenants", "tenant_id=\"$tenant\"", 2);
        dashboard.putArray("tags").add("tenants");
        // Replication is the cluster's, not a tenant's: per standby and per slot (rows only where they exist).
        panel((ArrayNode) dashboard.get("panels"), "Replication lag (bytes behind the primary)", "bytes",
                "max by (application_name) (pg_stat_replication_pg_wal_lsn_diff)", "standby {{application_name}}",
                "max by (slot_name) (pg_replication_slots_pg_wal_lsn_diff)", "slot {{slot_name}}");
        ArrayNode variables = dashboard.putObject("templating").putArray("list");
        variables.addObject().put("name", "datasource").put("label", "Data source").put("type", "datasource")
                .put("query", "prometheus");
        ObjectNode tenant = variables.addObject().put("name", "tenant").put("label", "Tenant").put("type", "query")
                .put("definition", "label_values(onboarding_tenant_info, tenant_id)").put("refresh", 2)
                .put("sort", 1);
        tenant.putObject("datasource").put("type", "prometheus").put("uid", DATASOURCE);
        tenant.putObject("query").put("query", "label_values(onboarding_tenant_info, tenant_id)")
                .put("refId", "tenants");
        return dashboard;
    }

    static ObjectNode forTenant(TenantRecord tenant) {
        ObjectNode dashboard = dashboard(uid(tenant.tenantId()), "Tenant " + tenant.tenantName(),
                "tenant_id=\"" + tenant.tenantId() + "\"", PlanCatalog.MONITORING_LEVELS.indexOf(tenant.monitoringLevel()));
        dashboard.putArray("tags").add("tenant").add(tenant.plan()).add(tenant.monitoringLevel());
        dashboard.putObject("templating").putArray("list").addObject().put("name", "datasource")
                .put("type", "datasource").put("query", "prometheus");
        return dashboard;
    }

    /**
     * A per-database series (label datname: the postgres_exporter's, or the backups' relabelled) for
     * the tenants the selector picks, joined through {@code onboarding_tenant_info} as the rules do.
     */
    private static String perTenantDatabase(String expr, String selector) {
        return "max by (datname) (" + expr + ") * on(datname) group_left(tenant_id) onboarding_tenant_info{"
                + selector + "}";
    }

    /** Panels up to a monitoring level (0 basic, 1 standard, 2 enterprise), as the alert rules watch. */
    private static ObjectNode dashboard(String uid, String title, String selector, int level) {
        ObjectNode dashboard = Json.MAPPER.createObjectNode();
        dashboard.putNull("id");
        dashboard.put("uid", uid);
        dashboard.put("title", title);
        dashboard.put("timezone", "utc");
        dashboard.put("schemaVersion", 39);
        dashboard.put("refresh", "30s");
        ArrayNode panels = dashboard.putArray("panels");
        // Database figures come from the postgres_exporter (pg_*); the limit and backups from the service.
        panel(panels, "Database connections vs limit", "short",
                perTenantDatabase("pg_stat_database_numbackends", selector), "connections",
                "onboarding_tenant_database_connection_limit{" + selector + "}", "limit");
        panel(panels, "Last backup succeeded", "bool", perTenantDatabase(
                "label_replace(backup_job_success, \"datname\", \"$1\", \"database\", \"(.+)\")", selector),
                "backup", null, null);
        panel(panels, "Database size", "bytes", perTenantDatabase("pg_database_size_bytes", selector), "size",
                null, null);
        panel(panels, "Transactions per second", "ops",
                perTenantDatabase("rate(pg_stat_database_xact_commit[5m])", selector), "commits",
                perTenantDatabase("rate(pg_stat_database_xact_rollback[5m])", selector), "rollbacks");
        panel(panels, "Deadlocks (per hour)", "short",
                perTenantDatabase("increase(pg_stat_database_deadlocks[1h])", selector), "deadlocks", null, null);
        if (level >= 1) {
            panel(panels, "Error rate (5xx)", "percentunit",
                    "sum(rate(http_requests_total{" + selector + ",status=~\"5..\"}[5m])) / sum(rate(http_requests_total{"
                            + selector + "}[5m]))", "5xx ratio", null, null);
        }
        if (level >= 2) {
            panel(panels, "Average latency", "s",
                    "sum(rate(http_request_duration_seconds_sum{" + selector + "}[5m])) / sum(rate("
                            + "http_request_duration_seconds_count{" + selector + "}[5m]))", "latency", null, null);
        }
        return dashboard;
    }

    private static void panel(ArrayNode panels, String title, String unit, String expr, String legend,
                              String secondExpr, String secondLegend) {
        int id = panels.size() + 1;
        ObjectNode panel = panels.addObject();
        panel.put("id", id);
        panel.put("type", "timeseries");
        panel.put("title", title);
        panel.putObject("datasource").put("type", "prometheus").put("uid", DATASOURCE);
        panel.putObject("gridPos").put("h", 8).put("w", 12).put("x", (id - 1) % 2 * 12).put("y", (id - 1) / 2 * 8);
        panel.putObject("fieldConfig").putObject("defaults").put("unit", unit);
        ArrayNode targets = panel.putArray("targets");
        targets.addObject().put("refId", "A").put("expr", expr).put("legendFormat", legend);
        if (secondExpr != null) {
            targets.addObject().put("refId", "B").put("expr", secondExpr).put("legendFormat", secondLegend);
        }
    }
}
