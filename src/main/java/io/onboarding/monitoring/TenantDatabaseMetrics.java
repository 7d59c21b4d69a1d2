package io.onboarding.monitoring;

import io.onboarding.observe.OnboardingMetrics;

import io.micrometer.core.instrument.Tags;
import io.onboarding.cluster.ClusterDirectory;
import io.onboarding.postgres.PostgresCluster;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * What only the service can tell about tenants, on a schedule: {@code onboarding_tenant_info} (1 per
 * active or suspended tenant, labels tenant_id, plan, monitoring_level, status and datname: how the
 * fleet's rules find a tenant's level and join the postgres_exporter's per-database series to it),
 * {@code onboarding_tenant_database_connection_limit{tenant_id,datname}} (the exporter of Debian's
 * release does not read {@code datconnlimit}) and {@code onboarding_tenants{status}}. Connections,
 * size, transactions and deadlocks per database come from the postgres_exporter, not from here.
 */
public final class TenantDatabaseMetrics {

    private final ClusterDirectory clusters;
    private final TenantRepository tenantRecords;
    private final GaugeRows limits;
    private final GaugeRows tenantsByStatus;
    private final GaugeRows info;

    public TenantDatabaseMetrics(ClusterDirectory clusters, TenantRepository tenantRecords, OnboardingMetrics metrics) {
        this.clusters = clusters;
        this.tenantRecords = tenantRecords;
        this.limits = new GaugeRows(metrics.registry(), "onboarding.tenant.database.connection.limit",
                "Connection limit of the tenant's database");
        this.tenantsByStatus = new GaugeRows(metrics.registry(), "onboarding.tenants", "Tenants by status");
        this.info = new GaugeRows(metrics.registry(), "onboarding.tenant.info",
                "1 per tenant with a database, labelled with its plan, monitoring level, status and database");
    }

    public void collect() throws SQLException {
        Map<String, Map<String, TenantRecord>> tenantsByCluster = new HashMap<>();
        Map<Tags, Long> infoRows = new HashMap<>();
        for (TenantRecord tenant : tenantRecords.withDatabase()) {
            tenantsByCluster.computeIfAbsent(tenant.cluster(), cluster -> new HashMap<>()).put(tenant.databaseName(), tenant);
            infoRows.put(Tags.of("tenant_id", tenant.tenantId().toString(), "plan", tenant.plan(),
                    "monitoring_level", tenant.monitoringLevel(), "status", tenant.status(),
                    "datname", tenant.databaseName()), 1L);
        }
        Map<Tags, Long> limitRows = new HashMap<>();
        for (Map.Entry<String, Map<String, TenantRecord>> cluster : tenantsByCluster.entrySet()) {
            if (clusters.available(cluster.getKey())) {
                collect(clusters.connection(cluster.getKey()), cluster.getValue(), limitRows);
            }
        }
        limits.set(limitRows);
        info.set(infoRows);
        Map<Tags, Long> statusRows = new HashMap<>();
        tenantRecords.countByStatus().forEach((status, count) -> statusRows.put(Tags.of("status", status), count));
        tenantsByStatus.set(statusRows);
    }

    /** One cluster's tenant databases: their connection limits. */
    private static void collect(PostgresCluster cluster, Map<String, TenantRecord> tenants, Map<Tags, Long> limitRows)
            throws SQLException {
        try (Connection connection = cluster.connect(PostgresCluster.MAINTENANCE_DATABASE);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(
                     "SELECT datname, datconnlimit FROM pg_database WHERE datname LIKE 'tenant\\_%'")) {
            while (rs.next()) {
                TenantRecord tenant = tenants.get(rs.getString(1));
                if (tenant != null) {
                    limitRows.put(Tags.of("tenant_id", tenant.tenantId().toString(), "datname", rs.getString(1)),
                            rs.getLong(2));
                }
            }
        }
    }
}
