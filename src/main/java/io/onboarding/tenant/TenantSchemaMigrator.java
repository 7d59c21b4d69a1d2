package io.onboarding.tenant;

import static io.onboarding.platform.SqlIdentifiers.quote;

import io.onboarding.platform.PostgresCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Brings a tenant database to the tenant schema ({@code classpath:db/tenant}) with Flyway, running
 * as the tenant's admin role so that role owns every table. Re-running is a no-op. The target is
 * {@code onboarding.tenant-schema.target}: {@code latest}, or a version (tests build "old" tenants).
 * The version the database is at afterwards is recorded in the control plane ({@link TenantSchemaVersions}).
 */
public final class TenantSchemaMigrator {

    private static final String HISTORY = "tenant_schema_history";

    private final TenantClusters clusters;
    private final String target;
    private final TenantSchemaVersions versions;
    private final DataSource controlPlane;
    private volatile List<MigrationInfo> migrations;

    public TenantSchemaMigrator(TenantClusters clusters, String target, TenantSchemaVersions versions,
                                DataSource controlPlane) {
        this.clusters = clusters;
        this.target = target == null || target.isBlank() ? "latest" : target.trim();
        this.versions = versions;
        this.controlPlane = controlPlane;
    }

    /**
     * Step {@code migrate-tenant-schema}. A database cloned from the template of this release's
     * migrations is at the target already: one query says so, and Flyway (whose start, history read and
     * validation cost more than the rest of the database work together) is not run. Otherwise Flyway
     * migrates on the connection that read the history: one connection to the tenant's database either way.
     */
    public void migrate(TenantRecord tenant) throws SQLException {
        String current = currentVersion();
        try (Connection connection = clusters.of(tenant).connect(tenant.databaseName())) {
            if (current.equals(appliedVersion(connection))) {
                versions.record(tenant.tenantId(), current);
            } else {
                apply(tenant, onOneConnection(configureAs(new SingleConnectionDataSource(connection, true),
                        adminRole(tenant))));
            }
        }
    }

    /** The newest version in the database's history if every row of it succeeded; null if none or any failed. */
    private static String appliedVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet exists = statement.executeQuery("SELECT to_regclass('public." + HISTORY + "') IS NOT NULL")) {
            exists.next();
            if (!exists.getBoolean(1)) {
                return null;
            }
            try (ResultSet rs = statement.executeQuery("SELECT bool_and(success), (array_agg(version"
                    + " ORDER BY installed_rank DESC) FILTER (WHERE version IS NOT NULL))[1] FROM public." + HISTORY)) {
                rs.next();
                return rs.getBoolean(1) ? rs.getString(2) : null;
            }
        }
    }

    /** Migrates the tenant's database; says what was applied and the version it is at now. */
    public MigrateResult apply(TenantRecord tenant) {
        return apply(tenant, configureAs(dataSource(clusters.of(tenant), tenant.databaseName()), adminRole(tenant)));
    }

    private MigrateResult apply(TenantRecord tenant, FluentConfiguration configuration) {
        Flyway flyway = configuration.load();
        MigrateResult result = flyway.migrate();
        MigrationInfo current = flyway.info().current();
        versions.record(tenant.tenantId(), current == null ? null : current.getVersion().getVersion());
        return result;
    }

    /** Migrates a database to the target, the objects made owned by {@code role} (e.g. the template's). */
    MigrateResult migrateAs(PostgresCluster cluster, String database, String role) {
        return configureAs(dataSource(cluster, database), role).load().migrate();
    }

    private static DataSource dataSource(PostgresCluster cluster, String database) {
        return new DriverManagerDataSource(cluster.jdbcUrl(database), cluster.user(), cluster.password());
    }

    private FluentConfiguration configureAs(DataSource database, String role) {
        return configure(database).initSql("SET ROLE " + quote(role));
    }

    private static String adminRole(TenantRecord tenant) {
        return TenantNaming.roleName(tenant.tenantId(), TenantRole.TENANT_ADMIN);
    }

    /**
     * Flyway on a data source that hands out one connection: on PostgreSQL it otherwise takes a
     * transactional lock and migrates on a second connection; with a session lock it runs all on one.
     */
    private static FluentConfiguration onOneConnection(FluentConfiguration configuration) {
        configuration.getPluginRegister().getExact(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
        return configuration;
    }

    /**
     * The version this release migrates tenants to: the target's, or the newest migration there is
     * (read once from Flyway's view of db/tenant against the control plane, which has no such history
     * table: nothing is written there).
     */
    public String currentVersion() {
        return migrations().get(migrations().size() - 1).getVersion().getVersion();
    }

    /**
     * The versions and checksums of the migrations up to the target: a template database made from
     * other contents (an edited migration) must not be taken for this one.
     */
    public String fingerprint() {
        return migrations().stream().map(m -> m.getVersion().getVersion() + ":" + m.getChecksum())
                .collect(Collectors.joining(","));
    }

    private List<MigrationInfo> migrations() {
        if (migrations == null) {
            MigrationVersion limit = "latest".equals(target) ? MigrationVersion.LATEST : MigrationVersion.fromVersion(target);
            List<MigrationInfo> upToTarget = Arrays.stream(configure(controlPlane).load().info().all())
                    .filter(m -> m.getVersion() != null && m.getVersion().compareTo(limit) <= 0)
                    .sorted(Comparator.comparing(MigrationInfo::getVersion)).toList();
            if (upToTarget.isEmpty()) {
                throw new IllegalStateException("no tenant schema migration in db/tenant");
            }
            migrations = upToTarget;
        }
        return migrations;
    }

    private FluentConfiguration configure(DataSource dataSource) {
        return Flyway.configure().dataSource(dataSource).locations("classpath:db/tenant").table(HISTORY)
                .target(target);
    }
}
