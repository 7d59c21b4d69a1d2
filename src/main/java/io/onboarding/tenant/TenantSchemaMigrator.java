package io.onboarding.tenant;

import static io.onboarding.platform.SqlIdentifiers.quote;

import io.onboarding.platform.PostgresCluster;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Brings a tenant database to the latest tenant schema ({@code classpath:db/tenant}) with Flyway,
 * running as the tenant's admin role so that role owns every table. Re-running is a no-op.
 */
public final class TenantSchemaMigrator {

    private final PostgresCluster cluster;

    public TenantSchemaMigrator(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    public void migrate(TenantRecord tenant) {
        DriverManagerDataSource dataSource = new DriverManagerDataSource(
                cluster.jdbcUrl(tenant.databaseName()), cluster.user(), cluster.password());
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/tenant")
                .table("tenant_schema_history")
                .initSql("SET ROLE " + quote(TenantNaming.roleName(tenant.tenantId(), TenantRole.TENANT_ADMIN)))
                .load()
                .migrate();
    }
}
