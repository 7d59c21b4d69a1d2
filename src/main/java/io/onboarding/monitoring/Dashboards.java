package io.onboarding.monitoring;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.onboarding.api.Json;
import io.onboarding.tenant.PlanCatalog;
import io.onboarding.tenant.TenantRecord;
import java.util.UUID;

/**
 * Grafana dashboards: connections against the limit, backup status, error rate, latency. One for
 * the fleet, with a {@code $datasource} and a {@code $tenant} variable; per tenant only on request
 * (panels then chosen by the tenant's monitoring level).
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
        panel(panels, 1, 0, "Database connections vs limit", "short",
                "onboarding_tenant_database_connections{" + selector + "}", "connections",
                "onboarding_tenant_database_connection_limit{" + selector + "}", "limit");
        // Backup series carry only the database: joined to the tenant through its connection limit.
        panel(panels, 2, 12, "Last backup succeeded", "bool", "backup_job_success and on(database)"
                + " onboarding_tenant_database_connection_limit{" + selector + "}", "backup", null, null);
        if (level >= 1) {
            panel(panels, 3, 0, "Error rate (5xx)", "percentunit",
                    "sum(rate(http_requests_total{" + selector + ",status=~\"5..\"}[5m])) / sum(rate(http_requests_total{"
                            + selector + "}[5m]))", "5xx ratio", null, null);
        }
        if (level >= 2) {
            panel(panels, 4, 12, "Average latency", "s",
                    "sum(rate(http_request_duration_seconds_sum{" + selector + "}[5m])) / sum(rate("
                            + "http_request_duration_seconds_count{" + selector + "}[5m]))", "latency", null, null);
        }
        return dashboard;
    }

    private static void panel(ArrayNode panels, int id, int x, String title, String unit, String expr, String legend,
                              String secondExpr, String secondLegend) {
        ObjectNode panel = panels.addObject();
        panel.put("id", id);
        panel.put("type", "timeseries");
        panel.put("title", title);
        panel.putObject("datasource").put("type", "prometheus").put("uid", DATASOURCE);
        panel.putObject("gridPos").put("h", 8).put("w", 12).put("x", x).put("y", (id - 1) / 2 * 8);
        panel.putObject("fieldConfig").putObject("defaults").put("unit", unit);
        ArrayNode targets = panel.putArray("targets");
        targets.addObject().put("refId", "A").put("expr", expr).put("legendFormat", legend);
        if (secondExpr != null) {
            targets.addObject().put("refId", "B").put("expr", secondExpr).put("legendFormat", secondLegend);
        }
    }
}
