package io.onboarding.tenant;

import static io.onboarding.platform.SqlIdentifiers.quote;

import io.onboarding.platform.PostgresCluster;
import java.util.Arrays;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.configuration.FluentConfiguration;
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
        return migrateAs(tenant.databaseName(), TenantNaming.roleName(tenant.tenantId(), TenantRole.TENANT_ADMIN));
    }

    /** Migrates a database to the target, the objects made owned by {@code role}. */
    MigrateResult migrateAs(String database, String role) {
        return flyway(database).initSql("SET ROLE " + quote(role)).load().migrate();
    }

    /** The version the target resolves to, as the migrations on the classpath have it (e.g. "2"). */
    String targetVersion(String anyDatabase) {
        return Arrays.stream(flyway(anyDatabase).load().info().all())
                .filter(migration -> migration.getState() == MigrationState.PENDING)
                .reduce((first, second) -> second).map(migration -> migration.getVersion().getVersion())
                .orElseThrow(() -> new IllegalStateException("no tenant-schema migration up to target " + target));
    }

    private FluentConfiguration flyway(String database) {
        return Flyway.configure()
                .dataSource(new DriverManagerDataSource(cluster.jdbcUrl(database), cluster.user(), cluster.password()))
                .locations("classpath:db/tenant")
                .table("tenant_schema_history")
                .target(target);
    }
}
