package io.onboarding.tenant;

import static io.onboarding.platform.SqlIdentifiers.quote;

import io.onboarding.platform.PostgresCluster;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Brings a tenant database to the tenant schema ({@code classpath:db/tenant}) with Flyway, running
 * as the tenant's admin role so that role owns every table. Re-running is a no-op. The target is
 * {@code onboarding.tenant-schema.target}: {@code latest}, or a version (tests build "old" tenants).
 */
public final class TenantSchemaMigrator {

    private final PostgresCluster cluster;
    private final String target;

    public TenantSchemaMigrator(PostgresCluster cluster, String target) {
        this.cluster = cluster;
        this.target = target == null || target.isBlank() ? "latest" : target.trim();
    }

    /** Step {@code migrate-tenant-schema}. */
    public void migrate(TenantRecord tenant) {
        apply(tenant);
    }

    /** Migrates the tenant's database; says what was applied and the version it is at now. */
    public MigrateResult apply(TenantRecord tenant) {
        DriverManagerDataSource dataSource = new DriverManagerDataSource(
                cluster.jdbcUrl(tenant.databaseName()), cluster.user(), cluster.password());
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/tenant")
                .table("tenant_schema_history")
                .target(target)
                .initSql("SET ROLE " + quote(TenantNaming.roleName(tenant.tenantId(), TenantRole.TENANT_ADMIN)))
                .load()
                .migrate();
    }
}
