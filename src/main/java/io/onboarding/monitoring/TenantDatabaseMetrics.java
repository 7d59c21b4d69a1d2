package io.onboarding.monitoring;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.onboarding.platform.PostgresCluster;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-tenant connection figures read from {@code pg_stat_activity} and {@code pg_database} on a
 * schedule, so the connection alert needs no separate exporter:
 * {@code onboarding_tenant_database_connections} and {@code onboarding_tenant_database_connection_limit}
 * (labels tenant_id, database, tier), and {@code onboarding_tenants{status}}.
 */
public final class TenantDatabaseMetrics {

    private final PostgresCluster cluster;
    private final TenantRepository tenantRecords;
    private final MultiGauge connections;
    private final MultiGauge limits;
    private final MultiGauge tenantsByStatus;

    public TenantDatabaseMetrics(PostgresCluster cluster, TenantRepository tenantRecords, OnboardingMetrics metrics) {
        this.cluster = cluster;
        this.tenantRecords = tenantRecords;
        this.connections = MultiGauge.builder("onboarding.tenant.database.connections")
                .description("Connections open to the tenant's database").register(metrics.registry());
        this.limits = MultiGauge.builder("onboarding.tenant.database.connection.limit")
                .description("Connection limit of the tenant's database").register(metrics.registry());
        this.tenantsByStatus = MultiGauge.builder("onboarding.tenants")
                .description("Tenants by status").register(metrics.registry());
    }

    public void collect() throws SQLException {
        Map<String, TenantRecord> tenants = new HashMap<>();
        tenantRecords.withDatabase().forEach(tenant -> tenants.put(tenant.databaseName(), tenant));
        List<MultiGauge.Row<?>> connectionRows = new ArrayList<>();
        List<MultiGauge.Row<?>> limitRows = new ArrayList<>();
        try (Connection connection = cluster.connect(PostgresCluster.MAINTENANCE_DATABASE); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT d.datname, d.datconnlimit, count(a.pid)"
                     + " FROM pg_database d LEFT JOIN pg_stat_activity a ON a.datid = d.oid"
                     + " WHERE d.datname LIKE 'tenant\\_%' GROUP BY d.datname, d.datconnlimit")) {
            while (rs.next()) {
                TenantRecord tenant = tenants.get(rs.getString(1));
                if (tenant != null) {
                    Tags tags = Tags.of("tenant_id", tenant.tenantId().toString(), "database", rs.getString(1),
                            "tier", tenant.plan());
                    connectionRows.add(MultiGauge.Row.of(tags, rs.getLong(3)));
                    limitRows.add(MultiGauge.Row.of(tags, rs.getLong(2)));
                }
            }
        }
        connections.register(connectionRows, true);
        limits.register(limitRows, true);
        List<MultiGauge.Row<?>> statusRows = new ArrayList<>();
        tenantRecords.countByStatus().forEach((status, count) ->
                statusRows.add(MultiGauge.Row.of(Tags.of("status", status), count)));
        tenantsByStatus.register(statusRows, true);
    }
}
