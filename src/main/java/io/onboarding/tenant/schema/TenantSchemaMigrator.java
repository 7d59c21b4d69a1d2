package io.onboarding.tenant.schema;

import io.onboarding.tenant.TenantClusters;
import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRole;
import io.onboarding.tenant.TenantSteward;

import static io.onboarding.postgres.SqlIdentifiers.literal;
import static io.onboarding.postgres.SqlIdentifiers.quote;

import io.onboarding.postgres.PostgresCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Brings a tenant database to the tenant schema ({@code classpath:db/tenant}). The version a tenant is at
 * is the control plane's ({@code tenants.schema_version}), which no tenant can write; nothing of the
 * platform's stays in the tenant's database but a comment on schema {@code public} naming the last
 * migration committed there, read only to resume a migration a crash interrupted.
 *
 * <p>Each migration runs in one transaction of the tenant's steward ({@link TenantSteward}) acting as the
 * admin role (so that role owns every table): a trigger, CHECK or view of the tenant's that the migration
 * touches runs with the tenant's rights, whatever it does with {@code SET ROLE}. Flyway only finds the
 * scripts and their checksums; it keeps no history table in the tenant's database. The target is
 * {@code onboarding.tenant-schema.target}: {@code latest}, or a version (tests build "old" tenants).
 */
public final class TenantSchemaMigrator {

    private static final String LOCATION = "db/tenant";
    /** The comment of schema public after each migration, in the migration's own transaction. */
    static final String MARK = "tenant-onboarding schema version ";
    private static final long LOCK_KEY = 0x6f6e627363686dL; // "onbschm"

    /** What one run did: the migrations it applied and the version the database is at. */
    public record Result(int applied, String version) {
    }

    private record Migration(String version, String resource, int checksum) {
    }

    private final TenantClusters clusters;
    private final String target;
    private final TenantSchemaVersions versions;
    private final DataSource controlPlane;
    private final TenantSteward steward;
    private volatile List<Migration> migrations;

    public TenantSchemaMigrator(TenantClusters clusters, String target, TenantSchemaVersions versions,
                                DataSource controlPlane, TenantSteward steward) {
        this.clusters = clusters;
        this.target = target == null || target.isBlank() ? "latest" : target.trim();
        this.versions = versions;
        this.controlPlane = controlPlane;
        this.steward = steward;
    }

    /**
     * Steps {@code migrate-tenant-schema} and {@code migrate-resumed-tenant-schema}. A tenant the control
     * plane records at the target (a clone of this release's template is recorded so when it is made)
     * costs no connection at all.
     */
    public void migrate(TenantRecord tenant) throws SQLException {
        apply(tenant);
    }

    /** Migrates the tenant's database to the target, as its steward; says what was applied. */
    public Result apply(TenantRecord tenant) throws SQLException {
        UUID tenantId = tenant.tenantId();
        String current = currentVersion();
        if (atTarget(versions.recorded(tenantId), current)) {
            return new Result(0, current);
        }
        return steward.withConnection(clusters.of(tenant), tenantId, tenant.databaseName(),
                connection -> migrate(connection, tenant, current));
    }

    private Result migrate(Connection connection, TenantRecord tenant, String current) throws SQLException {
        UUID tenantId = tenant.tenantId();
        // One migrator per database at a time (two instances settling at start): a lock of the database's,
        // bounded, since a tenant login could take the same one.
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET lock_timeout = '60s'");
            statement.execute("SELECT pg_catalog.pg_advisory_lock(" + LOCK_KEY + ")");
            statement.execute("SET lock_timeout = 0");
        }
        TenantSchemaVersions.Recorded recorded = versions.recorded(tenantId);
        if (atTarget(recorded, current)) {
            return new Result(0, current);
        }
        String from = startingVersion(connection, tenant, recorded);
        List<Migration> pending = after(from);
        for (Migration migration : pending) {
            versions.applying(tenantId, migration.version());
            try {
                run(connection, migration, TenantNaming.roleName(tenantId, TenantRole.TENANT_ADMIN));
            } catch (SQLException | RuntimeException e) {
                versions.record(tenantId, from); // rolled back: still where it was
                throw e;
            }
            from = migration.version();
            versions.record(tenantId, from);
        }
        if (pending.isEmpty()) {
            versions.record(tenantId, from); // at the target by the database's mark: recorded, and nothing under way
        }
        return new Result(pending.size(), from);
    }

    /**
     * Where to start: the control plane's version. The database's mark (a comment the tenant can write) is
     * believed only where nobody but the platform could have written it, a database still being provisioned,
     * or where it names exactly the migration a crash cut between its commit and its record.
     */
    private String startingVersion(Connection connection, TenantRecord tenant, TenantSchemaVersions.Recorded recorded)
            throws SQLException {
        if (recorded.applying() != null) {
            return committedMark(connection).filter(recorded.applying()::equals).orElse(recorded.version());
        }
        if (recorded.version() == null && "provisioning".equals(tenant.status())) {
            return committedMark(connection).orElse(null);
        }
        if (recorded.version() == null) {
            throw new IllegalStateException("the control plane records no tenant schema version for tenant "
                    + tenant.tenantId() + " (made by a release before control-plane V13 and never migrated since);"
                    + " set tenants.schema_version to the version its database is at");
        }
        return recorded.version();
    }

    private static boolean atTarget(TenantSchemaVersions.Recorded recorded, String current) {
        return current.equals(recorded.version()) && recorded.applying() == null;
    }

    /** A database cloned from this release's template is at the target: recorded without a connection. */
    void recordClone(UUID tenantId) {
        versions.record(tenantId, currentVersion());
    }

    /** Migrates a database of the platform's own (a template) to the target, its objects owned by {@code role}. */
    void migrateAs(PostgresCluster cluster, String database, String role) throws SQLException {
        try (Connection connection = cluster.connectForCatalog(database)) {
            for (Migration migration : after(committedMark(connection).orElse(null))) {
                run(connection, migration, role);
            }
        }
    }

    /** One migration and its mark, in one transaction, acting as {@code role}. */
    private static void run(Connection connection, Migration migration, String role) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL ROLE " + quote(role));
            statement.execute("SET LOCAL search_path = public");
            statement.execute(script(migration));
            statement.execute("COMMENT ON SCHEMA public IS " + literal(MARK + migration.version()));
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw new SQLException("tenant schema migration " + migration.version() + " failed: " + e.getMessage(),
                    e.getSQLState(), e);
        } catch (RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** The version of the last migration committed in the database, from its mark; empty if none or unreadable. */
    private Optional<String> committedMark(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_catalog.obj_description(n.oid, 'pg_namespace')"
                     + " FROM pg_catalog.pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) 'public'")) {
            String comment = rs.next() ? rs.getString(1) : null;
            if (comment == null || !comment.startsWith(MARK)) {
                return Optional.empty();
            }
            String version = comment.substring(MARK.length());
            return migrations().stream().map(Migration::version).filter(version::equals).findFirst();
        }
    }

    /** The migrations after {@code version} (all if null), up to the target. */
    private List<Migration> after(String version) {
        MigrationVersion applied = version == null ? null : MigrationVersion.fromVersion(version);
        return migrations().stream().filter(m -> applied == null
                || MigrationVersion.fromVersion(m.version()).compareTo(applied) > 0).toList();
    }

    private static String script(Migration migration) {
        try (InputStream in = TenantSchemaMigrator.class.getClassLoader().getResourceAsStream(migration.resource())) {
            if (in == null) {
                throw new IllegalStateException("tenant schema migration " + migration.resource() + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The version this release migrates tenants to: the target's, or the newest migration there is. */
    public String currentVersion() {
        return migrations().get(migrations().size() - 1).version();
    }

    /**
     * The versions and checksums of the migrations up to the target: a template database made from
     * other contents (an edited migration) must not be taken for this one.
     */
    public String fingerprint() {
        return migrations().stream().map(m -> m.version() + ":" + m.checksum()).collect(Collectors.joining(","));
    }

    /**
     * The scripts up to the target, read once from Flyway's view of db/tenant against the control plane
     * (which has no such history table: nothing is written there).
     */
    private List<Migration> migrations() {
        if (migrations == null) {
            MigrationVersion limit = "latest".equals(target) ? MigrationVersion.LATEST : MigrationVersion.fromVersion(target);
            List<Migration> upToTarget = Arrays.stream(Flyway.configure().dataSource(controlPlane)
                            .locations("classpath:" + LOCATION).table("tenant_schema_history").target(target)
                            .load().info().all())
                    .filter(m -> m.getVersion() != null && m.getVersion().compareTo(limit) <= 0)
                    .sorted(Comparator.comparing(MigrationInfo::getVersion))
                    .map(m -> new Migration(m.getVersion().getVersion(), LOCATION + "/" + fileName(m.getScript()),
                            m.getChecksum() == null ? 0 : m.getChecksum()))
                    .toList();
            if (upToTarget.isEmpty()) {
                throw new IllegalStateException("no tenant schema migration in " + LOCATION);
            }
            migrations = upToTarget;
        }
        return migrations;
    }

    private static String fileName(String script) {
        return script.substring(script.lastIndexOf('/') + 1);
    }
}
