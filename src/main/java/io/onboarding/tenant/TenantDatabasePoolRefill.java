package io.onboarding.tenant;

import static io.onboarding.postgres.SqlIdentifiers.literal;
import static io.onboarding.postgres.SqlIdentifiers.quote;

import io.onboarding.cluster.ClusterDirectory;
import io.onboarding.cluster.ClusterSettings;
import io.onboarding.postgres.ClusterLockdown;
import io.onboarding.kit.Failures;
import io.onboarding.postgres.PostgresCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the warm pool ({@link TenantDatabasePool}) filled: each round (route {@code refill-tenant-database-pool},
 * every {@code onboarding.tenant-database.pool-refill-interval-ms}) it skips while this instance answers requests
 * or runs operations, and otherwise, per open cluster and under that cluster's advisory lock (one instance at a
 * time), drops the pool databases no longer of this release's templates (another schema version or collation)
 * and those a crash left half-made, then makes at most one new pool database in all.
 *
 * <p>A pool database is made as a new tenant's is: cloned from the template, {@code REVOKE ALL … FROM PUBLIC}
 * and the database grants, schema {@code public} and the template's objects handed to its admin role, the table
 * grants; then closed ({@code ALLOW_CONNECTIONS false}, {@code CONNECTION LIMIT 0}) and marked ready. Its roles
 * are NOLOGIN and have no password. The platform login works inside it with the catalog's search path, as in
 * the template: no tenant has ever reached it, so no code but the platform's is there to run.
 */
public final class TenantDatabasePoolRefill {

    private static final Logger LOG = LoggerFactory.getLogger(TenantDatabasePoolRefill.class);
    /** Session advisory lock (maintenance database of each cluster): who refills that cluster's pool now. */
    static final long LOCK_KEY = 0x6f6e62706f6f6cL; // "onbpool"

    private final TenantDatabasePool pool;
    private final ClusterDirectory clusters;
    private final PlanCatalog plans;
    private final DatabaseTemplates templates;
    private final String maintenanceDatabase;
    private final BooleanSupplier busy;

    /** {@code busy}: this instance runs operations or answers mutating requests now (the pool waits). */
    public TenantDatabasePoolRefill(TenantDatabasePool pool, ClusterDirectory clusters, PlanCatalog plans,
                                    DatabaseTemplates templates, String maintenanceDatabase, BooleanSupplier busy) {
        this.pool = pool;
        this.clusters = clusters;
        this.plans = plans;
        this.templates = templates;
        this.maintenanceDatabase = maintenanceDatabase;
        this.busy = busy;
    }

    /** One round. A cluster that cannot be reached is tried again next round. */
    public void refill() {
        if (!pool.enabled() || busy.getAsBoolean()) {
            return;
        }
        boolean made = false;
        for (ClusterSettings cluster : clusters.all()) {
            if (cluster.state() != ClusterSettings.State.OPEN || !clusters.available(cluster.name())) {
                continue; // it gets no new tenants
            }
            try {
                made |= refill(cluster.name(), cluster.connection(), !made);
            } catch (SQLException | RuntimeException e) {
                if (!busy.getAsBoolean()) { // a stop under way cuts a round short, quietly
                    LOG.warn("Tenant database pool of cluster {} not refilled, tried again next round: {}",
                            cluster.name(), Failures.innermost(e));
                }
            }
        }
    }

    /** True if it made a pool database. */
    private boolean refill(String name, PostgresCluster cluster, boolean mayMake) throws SQLException {
        Set<String> wanted = new LinkedHashSet<>();
        for (String collation : plans.collations()) {
            Optional<String> template = templates.templateFor(cluster, collation, null);
            if (template.isEmpty()) {
                return false; // templates off, or one cannot be made now: nothing is made, and nothing taken for stale
            }
            wanted.add(template.get());
        }
        try (Connection connection = cluster.connect(maintenanceDatabase)) {
            if (!sessionLock(connection, "pg_try_advisory_lock")) {
                return false; // another instance refills this cluster
            }
            try {
                dropStale(connection, wanted);
                long ready = 0;
                String lacking = null;
                for (String template : wanted) {
                    int count = TenantDatabasePool.ready(connection, template).size();
                    ready += count;
                    if (count < pool.size() && lacking == null) {
                        lacking = template;
                    }
                }
                pool.sized(name, ready);
                if (lacking == null || !mayMake || busy.getAsBoolean()) {
                    return false;
                }
                PooledDatabase made = make(cluster, connection, lacking);
                pool.sized(name, ready + 1);
                LOG.debug("Pool database {} of cluster {} made from {}", made.name(), name, lacking);
                return true;
            } finally {
                sessionLock(connection, "pg_advisory_unlock");
            }
        }
    }

    private static boolean sessionLock(Connection connection, String function) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT " + function + "(" + LOCK_KEY + ")")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /**
     * Under the cluster's refill lock: pool databases of a template this release does not use, and any a crash
     * left half-made (marked being made, or not marked yet while their roles are), with their roles; then roles
     * of the pool whose database is gone. A claim under way holds its database's lock: that one is left.
     */
    private void dropStale(Connection connection, Set<String> wanted) throws SQLException {
        List<PooledDatabase> stale = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT d.datname,"
                + " coalesce(shobj_description(d.oid, 'pg_database'), ''), EXISTS (SELECT 1 FROM pg_roles r"
                + " WHERE shobj_description(r.oid, 'pg_authid') = ? || ', role of ' || d.datname)"
                + " FROM pg_database d WHERE d.datname LIKE 'onboarding\\_pool\\_%'")) {
            query.setString(1, PooledDatabase.MARKER);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    String marker = rs.getString(2);
                    boolean current = wanted.stream().map(PooledDatabase::readyMarker).anyMatch(marker::equals);
                    boolean ours = marker.startsWith(PooledDatabase.MARKER) || (marker.isEmpty() && rs.getBoolean(3));
                    if (ours && !current) {
                        stale.add(new PooledDatabase(rs.getString(1)));
                    }
                }
            }
        }
        for (PooledDatabase pooled : stale) {
            drop(connection, pooled);
        }
        List<String> strayRoles = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT r.rolname FROM pg_roles r"
                + " WHERE r.rolname LIKE 'onboarding\\_pool\\_%' AND shobj_description(r.oid, 'pg_authid') LIKE ? || '%'"
                + " AND NOT EXISTS (SELECT 1 FROM pg_database d"
                + " WHERE shobj_description(r.oid, 'pg_authid') = ? || ', role of ' || d.datname)")) {
            query.setString(1, PooledDatabase.MARKER + ", role of ");
            query.setString(2, PooledDatabase.MARKER);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    strayRoles.add(rs.getString(1));
                }
            }
        }
        try (Statement statement = connection.createStatement()) {
            for (String role : strayRoles) {
                statement.execute("DROP ROLE IF EXISTS " + quote(role));
            }
        }
    }

    /** A stale or half-made pool database and its roles, unless a claim holds it. */
    private static void drop(Connection connection, PooledDatabase pooled) throws SQLException {
        if (!TenantDatabasePool.lock(connection, "pg_try_advisory_lock", pooled)) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + quote(pooled.name()) + " WITH (FORCE)");
            for (TenantRole role : TenantRole.values()) {
                dropRoleIfPooled(connection, statement, pooled, pooled.roleName(role));
            }
            LOG.info("Pool database {} dropped: not of this release's tenant-schema templates, or left half-made",
                    pooled.name());
        } finally {
            TenantDatabasePool.lock(connection, "pg_advisory_unlock", pooled);
        }
    }

    private static void dropRoleIfPooled(Connection connection, Statement statement, PooledDatabase pooled, String role)
            throws SQLException {
        if (OwnerMarkers.ofRole(connection, role).filter(pooled.roleMarker()::equals).isPresent()) {
            statement.execute("DROP ROLE " + quote(role));
        }
    }

    /**
     * A new pool database from {@code template}: the roles (one transaction), the clone closed to everyone while
     * PUBLIC is locked out, then opened to the platform alone for the hand-over and the grants, then closed
     * for good and marked ready.
     */
    private PooledDatabase make(PostgresCluster cluster, Connection connection, String template) throws SQLException {
        PooledDatabase pooled = PooledDatabase.fresh();
        String database = quote(pooled.name());
        String admin = pooled.roleName(TenantRole.TENANT_ADMIN);
        boolean superuser = ClusterLockdown.isSuperuser(connection);
        List<String> roles = new ArrayList<>();
        for (TenantRole role : TenantRole.values()) {
            roles.add("CREATE ROLE " + quote(pooled.roleName(role)) + " NOLOGIN");
            roles.add("COMMENT ON ROLE " + quote(pooled.roleName(role)) + " IS " + literal(pooled.roleMarker()));
        }
        if (!superuser) { // as for a tenant's (TenantRoleProvisioner): to hand over and grant as the admin role
            roles.add("GRANT " + quote(admin) + " TO CURRENT_USER");
        }
        inOneTransaction(connection, roles);
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + database + " OWNER " + quote(ClusterLockdown.DATABASE_OWNER)
                    + " ENCODING 'UTF8' ALLOW_CONNECTIONS false " + templates.cloneClause(template));
            statement.execute("COMMENT ON DATABASE " + database + " IS " + literal(PooledDatabase.BEING_MADE));
            TenantPrivilegeGranter.grantDatabase(statement, pooled::roleName, pooled.name());
            statement.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
        }
        try (Connection inPool = cluster.connectForCatalog(pooled.name()); Statement statement = inPool.createStatement()) {
            // As TenantDatabaseProvisioner hands a clone over, then as TenantPrivilegeGranter grants.
            statement.execute("ALTER SCHEMA public OWNER TO " + quote(admin));
            templates.adopt(statement, admin);
            TenantPrivilegeGranter.grantTables(inPool, pooled::roleName);
        }
        inOneTransaction(connection, List.of("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false",
                "ALTER DATABASE " + database + " CONNECTION LIMIT 0",
                "COMMENT ON DATABASE " + database + " IS " + literal(PooledDatabase.readyMarker(template))));
        PostgresCluster.terminateDatabaseSessions(connection, pooled.name());
        return pooled;
    }

    /** The statements as one transaction, in one round trip. */
    private static void inOneTransaction(Connection connection, List<String> statements) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.addBatch(sql);
            }
            statement.executeBatch();
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }
}
