package io.onboarding.tenant;

import io.onboarding.tenant.TenantClusters;

import static io.onboarding.postgres.SqlIdentifiers.literal;
import static io.onboarding.postgres.SqlIdentifiers.quote;

import io.onboarding.postgres.ClusterLockdown;
import io.onboarding.postgres.PostgresCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The tenant's own database: UTF8, cloned from the pre-migrated {@link TenantDatabaseTemplates} or else
 * (and for restores) from template0, collation and connection limit from the plan, closed to PUBLIC at
 * once. Owned by {@link ClusterLockdown#DATABASE_OWNER}, which no tenant login can reach; the tenant's
 * admin role owns schema {@code public} and everything in it. CREATE DATABASE cannot share a transaction
 * with its COMMENT, so a database of the tenant's derived name without any marker is taken as this
 * step's own, left by a crash between the two; one with another marker is a conflict.
 */
public final class TenantDatabaseProvisioner {

    private final TenantClusters clusters;
    private final String maintenanceDatabase;
    private final PlanCatalog plans;
    private final TenantRepository tenants;
    private final DatabaseTemplates templates;

    public TenantDatabaseProvisioner(TenantClusters clusters, String maintenanceDatabase, PlanCatalog plans,
                                     TenantRepository tenants, DatabaseTemplates templates) {
        this.templates = templates;
        this.clusters = clusters;
        this.maintenanceDatabase = maintenanceDatabase;
        this.plans = plans;
        this.tenants = tenants;
    }

    /**
     * The tenant's database, with its plan's collation; the collation it got is recorded on the tenant.
     * Two connections in all (the cluster's maintenance database, then the new database): each costs a
     * backend start and a SCRAM exchange, a good part of a provisioning.
     */
    public void create(TenantRecord tenant) throws SQLException {
        String collation = tenant.collation() != null ? tenant.collation() : plans.plan(tenant.plan()).collation();
        PostgresCluster cluster = clusters.of(tenant);
        String template = templates.templateFor(cluster, collation, tenant.collationProvider()).orElse(null);
        try (Connection connection = cluster.connect(maintenanceDatabase)) {
            boolean made = createIn(connection, tenant.tenantId(), tenant.databaseName(), tenant.connectionLimit(),
                    collation, tenant.collationProvider(), template);
            tenants.recordCollation(tenant.tenantId(), collation, localeProvider(connection, tenant.databaseName()));
            if (made && template != null) {
                templates.cloned(tenant.tenantId());
            }
        }
        handOver(cluster, tenant.tenantId(), tenant.databaseName(), template != null);
    }

    /**
     * A database of the tenant's under another name (e.g. a restore target), same collation, locked down
     * the same way, on the cluster the record names (a move's target this way).
     */
    public void createNamed(TenantRecord tenant, String name) throws SQLException {
        PostgresCluster cluster = clusters.of(tenant);
        try (Connection connection = cluster.connect(maintenanceDatabase)) {
            createIn(connection, tenant.tenantId(), name, tenant.connectionLimit(), tenant.collation(),
                    tenant.collationProvider(), null);
        }
        handOver(cluster, tenant.tenantId(), name, false);
    }

    /** True if this call made the database (false: an earlier attempt had). */
    private boolean createIn(Connection connection, UUID tenantId, String name, int connectionLimit, String collation,
                             String provider, String template) throws SQLException {
        String database = quote(name);
        String marker = TenantNaming.ownerMarker(tenantId);
        try (Statement statement = connection.createStatement()) {
            Optional<String> existing = OwnerMarkers.ofDatabase(connection, name);
            if (existing.isPresent() && !existing.get().isEmpty() && !existing.get().equals(marker)) {
                throw new TenantConflictException("database " + name
                        + " already exists and does not belong to tenant " + tenantId);
            }
            if (existing.isEmpty()) {
                String create = "CREATE DATABASE " + database + " OWNER " + quote(ClusterLockdown.DATABASE_OWNER)
                        + " ENCODING 'UTF8' CONNECTION LIMIT " + connectionLimit + " ";
                // A clone takes its collation from the template.
                DatabaseCollation.create(statement, create + (template == null ? "TEMPLATE template0"
                        : templates.cloneClause(template)), template == null ? collation : null, provider);
            }
            statement.execute("COMMENT ON DATABASE " + database + " IS " + literal(marker));
            TenantPrivilegeGranter.grantDatabase(statement, tenantId, name);
            statement.execute("ALTER DATABASE " + database + " OWNER TO " + quote(ClusterLockdown.DATABASE_OWNER));
            return existing.isEmpty();
        }
    }

    private static String localeProvider(Connection connection, String database) throws SQLException {
        // to_jsonb: datlocprovider is new in PostgreSQL 15; older servers have libc only.
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT to_jsonb(d) ->> 'datlocprovider' FROM pg_database d WHERE datname = ?")) {
            query.setString(1, database);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return "i".equals(rs.getString(1)) ? DatabaseCollation.ICU : DatabaseCollation.LIBC;
            }
        }
    }

    /**
     * The platform's ownership of the tenant's database, as this release has it: a database made by
     * an older release (owned by the tenant's admin role) is taken back, and the admin role owns
     * schema {@code public} (only reachable while the database accepts connections: a suspended one
     * gets its schema on resume).
     */
    public void reclaim(TenantRecord tenant) throws SQLException {
        String name = tenant.databaseName();
        PostgresCluster cluster = clusters.of(tenant);
        try (Connection connection = cluster.connect(maintenanceDatabase);
             Statement statement = connection.createStatement()) {
            statement.execute("ALTER DATABASE " + quote(name) + " OWNER TO " + quote(ClusterLockdown.DATABASE_OWNER));
        }
        if (settingsOn(cluster, tenant.tenantId()).map(DatabaseSettings::allowConnections).orElse(false)) {
            handOver(cluster, tenant.tenantId(), name, false);
        }
    }

    /** Schema {@code public} to the tenant's admin role; in a clone of a template, all the template's objects too. */
    private void handOver(PostgresCluster cluster, UUID tenantId, String name, boolean cloned) throws SQLException {
        // Catalog-only (no code of the tenant's runs): the platform login with the catalog's search path.
        try (Connection connection = cluster.connectForCatalog(name); Statement statement = connection.createStatement()) {
            statement.execute("ALTER SCHEMA public OWNER TO "
                    + quote(TenantNaming.roleName(tenantId, TenantRole.TENANT_ADMIN)));
            if (cloned) {
                templates.adopt(statement, tenantId);
            }
        }
    }

    /** Undo of an interrupted {@link #replace}: the original, if it was set aside, gets its name back. */
    public void undoReplace(TenantRecord tenant) throws SQLException {
        String current = tenant.databaseName();
        try (Connection connection = clusters.of(tenant).connect(maintenanceDatabase);
             Statement statement = connection.createStatement()) {
            if (OwnerMarkers.ofDatabase(connection, current).isEmpty()
                    && OwnerMarkers.ofDatabase(connection, current + "_old").isPresent()) {
                statement.execute("ALTER DATABASE " + quote(current + "_old") + " RENAME TO " + quote(current));
                statement.execute("ALTER DATABASE " + quote(current) + " ALLOW_CONNECTIONS true");
            }
        }
    }

    /** Suspend: nobody may connect to the tenant's database any more; open sessions are ended. */
    public void blockConnections(UUID tenantId) throws SQLException {
        String name = TenantNaming.databaseName(tenantId);
        try (Connection connection = clusters.of(tenantId).connect(maintenanceDatabase)) {
            closeToSessions(connection, name);
        }
    }

    /** What the platform decided about a database, as pg_database has it now. */
    public record DatabaseSettings(String owner, boolean allowConnections, int connectionLimit) {
    }

    /** The tenant database's owner, datallowconn and datconnlimit; empty if it does not exist. */
    public Optional<DatabaseSettings> settings(UUID tenantId) throws SQLException {
        return settingsOn(clusters.of(tenantId), tenantId);
    }

    private Optional<DatabaseSettings> settingsOn(PostgresCluster cluster, UUID tenantId) throws SQLException {
        try (Connection connection = cluster.connect(maintenanceDatabase);
             PreparedStatement query = connection.prepareStatement("SELECT pg_get_userbyid(datdba), datallowconn,"
                     + " datconnlimit FROM pg_database WHERE datname = ?")) {
            query.setString(1, TenantNaming.databaseName(tenantId));
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? Optional.of(new DatabaseSettings(rs.getString(1), rs.getBoolean(2), rs.getInt(3)))
                        : Optional.empty();
            }
        }
    }

    /** Fails unless the tenant database is as the platform decided: its owner, open or closed, its limit. */
    public void requireSettings(TenantRecord tenant, boolean open) throws SQLException {
        DatabaseSettings expected = new DatabaseSettings(ClusterLockdown.DATABASE_OWNER, open, tenant.connectionLimit());
        DatabaseSettings actual = settings(tenant.tenantId()).orElseThrow(() ->
                new IllegalStateException("database " + tenant.databaseName() + " does not exist"));
        if (!expected.equals(actual)) {
            throw new IllegalStateException("database " + tenant.databaseName() + " is " + actual
                    + ", expected " + expected);
        }
    }

    /** No new connections to the database, and the open ones ended. */
    private static void closeToSessions(Connection connection, String database) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER DATABASE " + quote(database) + " ALLOW_CONNECTIONS false");
        }
        PostgresCluster.terminateDatabaseSessions(connection, database);
    }

    /** Resume (and undo of a suspend): connections allowed again. */
    public void allowConnections(UUID tenantId) throws SQLException {
        try (Connection connection = clusters.of(tenantId).connect(maintenanceDatabase);
             Statement statement = connection.createStatement()) {
            statement.execute("ALTER DATABASE " + quote(TenantNaming.databaseName(tenantId)) + " ALLOW_CONNECTIONS true");
        }
    }

    /** The plan's connection limit (and the platform's ownership) on the tenant's database. */
    public void applyConnectionLimit(TenantRecord tenant) throws SQLException {
        reclaim(tenant);
        try (Connection connection = clusters.of(tenant).connect(maintenanceDatabase);
             Statement statement = connection.createStatement()) {
            statement.execute("ALTER DATABASE " + quote(tenant.databaseName()) + " CONNECTION LIMIT "
                    + tenant.connectionLimit());
        }
    }

    /** Destroy: every database carrying the tenant's marker (its own and restored copies) dropped. */
    public void dropAll(UUID tenantId) throws SQLException {
        dropAllOn(clusters.of(tenantId), tenantId);
    }

    /** Every database of the tenant's on the cluster the record names (a move's source or target). */
    public void dropAllOn(TenantRecord tenant) throws SQLException {
        dropAllOn(clusters.of(tenant), tenant.tenantId());
    }

    private void dropAllOn(PostgresCluster cluster, UUID tenantId) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection connection = cluster.connect(maintenanceDatabase);
             PreparedStatement query = connection.prepareStatement("SELECT datname FROM pg_database"
                     + " WHERE shobj_description(oid, 'pg_database') = ?")) {
            query.setString(1, TenantNaming.ownerMarker(tenantId));
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        names.add(0, TenantNaming.databaseName(tenantId));
        for (String name : names) {
            dropNamedOn(cluster, tenantId, name);
        }
    }

    /** Compensation: drops the tenant's database, closing its sessions; idempotent. */
    public void drop(UUID tenantId) throws SQLException {
        dropNamed(tenantId, TenantNaming.databaseName(tenantId));
    }

    /** Drops one of the tenant's databases (never one without its marker but the derived name); idempotent. */
    public void dropNamed(UUID tenantId, String name) throws SQLException {
        dropNamedOn(clusters.of(tenantId), tenantId, name);
    }

    /** {@link #dropNamed} on the cluster the record names. */
    public void dropNamedOn(TenantRecord tenant, String name) throws SQLException {
        dropNamedOn(clusters.of(tenant), tenant.tenantId(), name);
    }

    private void dropNamedOn(PostgresCluster cluster, UUID tenantId, String name) throws SQLException {
        try (Connection connection = cluster.connect(maintenanceDatabase);
             Statement statement = connection.createStatement()) {
            Optional<String> existing = OwnerMarkers.ofDatabase(connection, name);
            boolean derivedName = name.equals(TenantNaming.databaseName(tenantId));
            if (existing.isPresent() && ((derivedName && existing.get().isEmpty())
                    || existing.get().equals(TenantNaming.ownerMarker(tenantId)))) {
                statement.execute("DROP DATABASE IF EXISTS " + quote(name) + " WITH (FORCE)");
            }
        }
    }

    /**
     * Puts a restored copy in place of the tenant's database: sessions closed, the current one
     * renamed aside and dropped, the copy renamed to the tenant's name. Idempotent.
     */
    public void replace(TenantRecord tenant, String restored) throws SQLException {
        String current = tenant.databaseName();
        String aside = current + "_old";
        try (Connection connection = clusters.of(tenant).connect(maintenanceDatabase);
             Statement statement = connection.createStatement()) {
            if (OwnerMarkers.ofDatabase(connection, restored).isEmpty()) {
                return; // already swapped by an earlier attempt
            }
            if (OwnerMarkers.ofDatabase(connection, current).isPresent()) {
                closeToSessions(connection, current);
                statement.execute("ALTER DATABASE " + quote(current) + " RENAME TO " + quote(aside));
            }
            statement.execute("ALTER DATABASE " + quote(restored) + " RENAME TO " + quote(current));
            statement.execute("DROP DATABASE IF EXISTS " + quote(aside) + " WITH (FORCE)");
        }
    }
}
