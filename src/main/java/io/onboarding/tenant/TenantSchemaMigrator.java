package io.onboarding.tenant;

import static io.onboarding.platform.SqlIdentifiers.quote;

import io.onboarding.platform.PostgresCluster;
import java.util.Arrays;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.MigrateResult;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Brings a tenant database to the tenant schema ({@code classpath:db/tenant}) with Flyway, running
 * as the tenant's admin role so that role owns every table. Re-running is a no-op. The target is
 * {@code onboarding.tenant-schema.target}: {@code latest}, or a version (tests build "old" tenants).
 * The version the database is at afterwards is recorded in the control plane ({@link TenantSchemaVersions}).
 */
public final class TenantSchemaMigrator {

    private static final String HISTORY = "tenant_schema_history";

    private final PostgresCluster cluster;
    private final String target;
    private final TenantSchemaVersions versions;
    private final DataSource controlPlane;
    private volatile String currentVersion;

    public TenantSchemaMigrator(PostgresCluster cluster, String target, TenantSchemaVersions versions,
                                DataSource controlPlane) {
        this.cluster = cluster;
        this.target = target == null || target.isBlank() ? "latest" : target.trim();
        this.versions = versions;
        this.controlPlane = controlPlane;
    }

    /** Step {@code migrate-tenant-schema}. */
    public void migrate(TenantRecord tenant) {
        apply(tenant);
    }

    /** Migrates the tenant's database; says what was applied and the version it is at now. */
    public MigrateResult apply(TenantRecord tenant) {
        Flyway flyway = flywayAs(tenant.databaseName(),
                TenantNaming.roleName(tenant.tenantId(), TenantRole.TENANT_ADMIN));
        MigrateResult result = flyway.migrate();
        MigrationInfo current = flyway.info().current();
        versions.record(tenant.tenantId(), current == null ? null : current.getVersion().getVersion());
        return result;
    }

    /** Migrates a database to the target, the objects made owned by {@code role} (e.g. the template's). */
    MigrateResult migrateAs(String database, String role) {
        return flywayAs(database, role).migrate();
    }

    private Flyway flywayAs(String database, String role) {
        return configure(new DriverManagerDataSource(cluster.jdbcUrl(database), cluster.user(), cluster.password()))
                .initSql("SET ROLE " + quote(role)).load();
    }

    /**
     * The version this release migrates tenants to: the target's, or the newest migration there is
     * (read once from Flyway's view of db/tenant against the control plane, which has no such history
     * table: nothing is written there).
     */
    public String currentVersion() {
        if (currentVersion == null) {
            MigrationVersion limit = "latest".equals(target) ? MigrationVersion.LATEST : MigrationVersion.fromVersion(target);
            currentVersion = Arrays.stream(configure(controlPlane).load().info().all())
                    .map(MigrationInfo::getVersion).filter(Objects::nonNull)
                    .filter(version -> version.compareTo(limit) <= 0)
                    .max(MigrationVersion::compareTo).map(MigrationVersion::getVersion)
                    .orElseThrow(() -> new IllegalStateException("no tenant schema migration in db/tenant"));
        }
        return currentVersion;
    }

    private org.flywaydb.core.api.configuration.FluentConfiguration configure(DataSource dataSource) {
        return Flyway.configure().dataSource(dataSource).locations("classpath:db/tenant").table(HISTORY)
                .target(target);
    }
}
