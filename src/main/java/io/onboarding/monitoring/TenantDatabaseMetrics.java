package io.onboarding.monitoring;

import io.micrometer.core.instrument.Tags;
import io.onboarding.cluster.ClusterDirectory;
import io.onboarding.platform.PostgresCluster;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-tenant connection figures read from {@code pg_stat_activity} and {@code pg_database} on a
 * schedule, so the connection alert needs no separate exporter:
 * {@code onboarding_tenant_database_connections} and {@code onboarding_tenant_database_connection_limit}
 * (labels tenant_id, database, tier), {@code onboarding_tenant_info{tenant_id,monitoring_level,tier} 1}
 * (what the fleet's alert rules select monitoring levels by), and {@code onboarding_tenants{status}}.
 */
public final class TenantDatabaseMetrics {

    private final ClusterDirectory clusters;
    private final TenantRepository tenantRecords;
    private final GaugeRows connections;
    private final GaugeRows limits;
    private final GaugeRows tenantsByStatus;
    private final GaugeRows info;

    public TenantDatabaseMetrics(ClusterDirectory clusters, TenantRepository tenantRecords, OnboardingMetrics metrics) {
        this.clusters = clusters;
        this.tenantRecords = tenantRecords;
        this.connections = new GaugeRows(metrics.registry(), "onboarding.tenant.database.connections",
                "Connections open to the tenant's database");
        this.limits = new GaugeRows(metrics.registry(), "onboarding.tenant.database.connection.limit",
                "Connection limit of the tenant's database");
        this.tenantsByStatus = new GaugeRows(metrics.registry(), "onboarding.tenants", "Tenants by status");
        this.info = new GaugeRows(metrics.registry(), "onboarding.tenant.info",
                "1 per tenant with a database, labelled with its monitoring level and tier");
    }

    public void collect() throws SQLException {
        Map<String, Map<String, TenantRecord>> tenantsByCluster = new HashMap<>();
        Map<Tags, Long> infoRows = new HashMap<>();
        for (TenantRecord tenant : tenantRecords.withDatabase()) {
            tenantsByCluster.computeIfAbsent(tenant.cluster(), cluster -> new HashMap<>()).put(tenant.databaseName(), tenant);
            infoRows.put(Tags.of("tenant_id", tenant.tenantId().toString(),
                    "monitoring_level", tenant.monitoringLevel(), "tier", tenant.plan()), 1L);
        }
        Map<Tags, Long> connectionRows = new HashMap<>();
        Map<Tags, Long> limitRows = new HashMap<>();
        for (Map.Entry<String, Map<String, TenantRecord>> cluster : tenantsByCluster.entrySet()) {
            if (clusters.available(cluster.getKey())) {
                collect(clusters.connection(cluster.getKey()), cluster.getValue(), connectionRows, limitRows);
            }
        }
        connections.set(connectionRows);
        limits.set(limitRows);
        info.set(infoRows);
        Map<Tags, Long> statusRows = new HashMap<>();
        tenantRecords.countByStatus().forEach((status, count) -> statusRows.put(Tags.of("status", status), count));
        tenantsByStatus.set(statusRows);
    }

    /** One cluster's tenant databases: connections open and connection limit. */
    private static void collect(PostgresCluster cluster, Map<String, TenantRecord> tenants, Map<Tags, Long> connectionRows,
                                Map<Tags, Long> limitRows) throws SQLException {
        try (Connection connection = cluster.connect(PostgresCluster.MAINTENANCE_DATABASE);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT d.datname, d.datconnlimit, count(a.pid)"
                     + " FROM pg_database d LEFT JOIN pg_stat_activity a ON a.datid = d.oid"
                     + " WHERE d.datname LIKE 'tenant\\_%' GROUP BY d.datname, d.datconnlimit")) {
            while (rs.next()) {
                TenantRecord tenant = tenants.get(rs.getString(1));
                if (tenant != null) {
                    Tags tags = Tags.of("tenant_id", tenant.tenantId().toString(), "database", rs.getString(1),
                            "tier", tenant.plan());
                    connectionRows.put(tags, rs.getLong(3));
                    limitRows.put(tags, rs.getLong(2));
                }
            }
        }
    }
}
