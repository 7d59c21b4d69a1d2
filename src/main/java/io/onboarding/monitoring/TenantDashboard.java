package io.onboarding.monitoring;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.onboarding.api.Json;
import io.onboarding.tenant.PlanCatalog;
import io.onboarding.tenant.TenantRecord;
import java.util.UUID;

/** A tenant's Grafana dashboard: connections against the limit, error rate, latency, backup status. */
final class TenantDashboard {

    private TenantDashboard() {
    }

    static String uid(UUID tenantId) {
        // Grafana uids are at most 40 characters.
        return "tenant-" + tenantId.toString().replace("-", "");
    }

    static ObjectNode forTenant(TenantRecord tenant) {
        String selector = "tenant_id=\"" + tenant.tenantId() + "\"";
        ObjectNode dashboard = Json.MAPPER.createObjectNode();
        dashboard.putNull("id");
        dashboard.put("uid", uid(tenant.tenantId()));
        dashboard.put("title", "Tenant " + tenant.tenantName());
        dashboard.putArray("tags").add("tenant").add(tenant.plan()).add(tenant.monitoringLevel());
        dashboard.put("timezone", "utc");
        dashboard.put("schemaVersion", 39);
        dashboard.put("refresh", "30s");
        ArrayNode panels = dashboard.putArray("panels");
        panel(panels, 1, 0, "Database connections vs limit", "short",
                "onboarding_tenant_database_connections{" + selector + "}", "connections",
                "onboarding_tenant_database_connection_limit{" + selector + "}", "limit");
        panel(panels, 2, 12, "Last backup succeeded", "bool",
                "backup_job_success{database=\"" + tenant.databaseName() + "\"}", "backup", null, null);
        // What the monitoring level watches, as its alert rules do: standard adds errors, enterprise latency.
        int level = PlanCatalog.MONITORING_LEVELS.indexOf(tenant.monitoringLevel());
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
        panel.putObject("gridPos").put("h", 8).put("w", 12).put("x", x).put("y", (id - 1) / 2 * 8);
        panel.putObject("fieldConfig").putObject("defaults").put("unit", unit);
        ArrayNode targets = panel.putArray("targets");
        targets.addObject().put("refId", "A").put("expr", expr).put("legendFormat", legend);
        if (secondExpr != null) {
            targets.addObject().put("refId", "B").put("expr", secondExpr).put("legendFormat", secondLegend);
        }
    }
}
