package io.onboarding.tenant;

import static io.onboarding.postgres.SqlIdentifiers.literal;
import static io.onboarding.postgres.SqlIdentifiers.quote;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.onboarding.operation.FaultHolds;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The warm pool of tenant databases, claiming side (docs/pool.md). A pool database ({@link PooledDatabase}) is
 * a clone of this release's template with its four roles made, its objects owned and granted as a new
 * tenant's, closed to connections; {@link TenantDatabasePoolRefill} keeps them ready. Step
 * {@code create-tenant-roles} claims one for a new tenant in its own transaction: the roles and the database
 * renamed to the tenant's names (role oids stay, so ownership and grants carry over), marked as the
 * tenant's, opened with the plan's connection limit. Catalog statements from the maintenance database only:
 * no session enters the database, no code of anyone's runs. The claim is then recorded in the control plane
 * ({@code tenant_database_claims}), and {@code create-tenant-database} and {@code grant-tenant-privileges} find
 * their work done. A crash before that record leaves either the pool database (the transaction rolled back)
 * or the tenant's database made (committed), which the steps' ordinary, idempotent path finishes.
 */
public final class TenantDatabasePool {

    /**
     * Fault tests' hold point inside a claim: {@code BEFORE} its commit (the renames made, uncommitted),
     * {@code AFTER} it (committed, not yet recorded in the control plane).
     */
    public static final String CLAIM_HOLD_POINT = "claim-pooled-database";
    public static final String MADE_IN_POOL = "made in the pool and claimed with the roles (create-tenant-roles)";
    public static final String GRANTED_IN_POOL = "granted in the pool database before it was claimed (create-tenant-roles)";
    /** Advisory locks (two-int form, in the maintenance database) on one pool database while claimed or dropped. */
    static final int LOCK_NAMESPACE = 0x0B001;
    private static final Logger LOG = LoggerFactory.getLogger(TenantDatabasePool.class);

    /** What a claim took: the pool database, the template it was cloned from and its locale provider. */
    record Claim(PooledDatabase pooled, String template, String provider) {
    }

    private final int size;
    private final DatabaseTemplates templates;
    private final PlanCatalog plans;
    private final TenantRepository tenants;
    private final JdbcTemplate controlPlane;
    private final FaultHolds holds;
    private final MeterRegistry registry;
    private final Map<String, AtomicLong> sizes = new ConcurrentHashMap<>();

    /** {@code size}: ready databases per cluster and template ({@code onboarding.tenant-database.pool-size}; 0: off). */
    public TenantDatabasePool(int size, DatabaseTemplates templates, PlanCatalog plans, TenantRepository tenants,
                              DataSource controlPlane, FaultHolds holds, MeterRegistry registry,
                              Collection<String> clusters) {
        if (size < 0) {
            throw new IllegalStateException("onboarding.tenant-database.pool-size must be 0 (no pool) or more: " + size);
        }
        this.size = size;
        this.templates = templates;
        this.plans = plans;
        this.tenants = tenants;
        this.controlPlane = new JdbcTemplate(controlPlane);
        this.holds = holds;
        this.registry = registry;
        // Every cluster's series from the start, so that a first hit or miss is an increase.
        clusters.forEach(cluster -> {
            sizeOf(cluster);
            hits(cluster);
            misses(cluster);
        });
    }

    boolean enabled() {
        return size > 0;
    }

    int size() {
        return size;
    }

    /**
     * In {@code session} (the roles step's connection to the tenant's cluster, autocommit off): a ready pool
     * database of this release's template for the tenant's collation becomes the tenant's, with its roles.
     * Nothing is claimed when the pool is off or has none ready (a miss), or when any of the tenant's names
     * is taken already (a step run again: its ordinary path carries on).
     */
    Optional<Claim> claim(Connection session, TenantRecord tenant) throws SQLException {
        if (!enabled()) {
            return Optional.empty();
        }
        Optional<String> template = templates.nameFor(plans.collationFor(tenant), null);
        if (template.isEmpty() || anyNameTaken(session, tenant.tenantId())) {
            return Optional.empty();
        }
        for (String candidate : ready(session, template.get())) {
            PooledDatabase pooled = new PooledDatabase(candidate);
            Optional<String> provider = lockIfStillReady(session, pooled, template.get());
            if (provider.isPresent() && renamed(session, pooled, tenant)) {
                holds.at(tenant.tenantId(), CLAIM_HOLD_POINT, FaultHolds.Phase.BEFORE);
                return Optional.of(new Claim(pooled, template.get(), provider.get()));
            }
        }
        misses(tenant.cluster()).increment();
        return Optional.empty();
    }

    /** After the claim's commit: what create-tenant-database would have recorded, and the claim itself. */
    void claimed(TenantRecord tenant, Claim claim) {
        UUID tenantId = tenant.tenantId();
        holds.at(tenantId, CLAIM_HOLD_POINT, FaultHolds.Phase.AFTER);
        tenants.recordCollation(tenantId, plans.collationFor(tenant), claim.provider());
        templates.cloned(tenantId);
        controlPlane.update("INSERT INTO tenant_database_claims (tenant_id, cluster, pool_database, template)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id) DO NOTHING", tenantId, tenant.cluster(),
                claim.pooled().name(), claim.template());
        hits(tenant.cluster()).increment();
        sizeOf(tenant.cluster()).updateAndGet(n -> Math.max(0, n - 1));
        LOG.debug("Tenant {} claimed pool database {}", tenantId, claim.pooled().name());
    }

    /** Whether the tenant's database and roles came from the pool (recorded once the claim committed). */
    public boolean claimed(UUID tenantId) {
        return Boolean.TRUE.equals(controlPlane.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM tenant_database_claims WHERE tenant_id = ?)", Boolean.class, tenantId));
    }

    /** The refill's count of ready pool databases on a cluster (the size gauge). */
    void sized(String cluster, long ready) {
        sizeOf(cluster).set(ready);
    }

    private static boolean anyNameTaken(Connection session, UUID tenantId) throws SQLException {
        List<String> roles = new ArrayList<>(Arrays.stream(TenantRole.values())
                .map(role -> TenantNaming.roleName(tenantId, role)).toList());
        roles.add(TenantNaming.stewardName(tenantId));
        try (PreparedStatement query = session.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_roles"
                + " WHERE rolname = ANY (?)) OR EXISTS (SELECT 1 FROM pg_database WHERE datname = ?)")) {
            query.setArray(1, session.createArrayOf("text", roles.toArray()));
            query.setString(2, TenantNaming.databaseName(tenantId));
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The ready pool databases of a template, oldest first. */
    static List<String> ready(Connection session, String template) throws SQLException {
        try (PreparedStatement query = session.prepareStatement("SELECT datname FROM pg_database"
                + " WHERE datname LIKE 'onboarding\\_pool\\_%' AND shobj_description(oid, 'pg_database') = ?"
                + " ORDER BY oid")) {
            query.setString(1, PooledDatabase.readyMarker(template));
            List<String> names = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        }
    }

    /**
     * Locks the pool database for this transaction unless another claim (or the refill) holds it, and reads it
     * again: still ready, its four roles there. Its locale provider (libc|icu), or empty: try the next one.
     */
    private static Optional<String> lockIfStillReady(Connection session, PooledDatabase pooled, String template)
            throws SQLException {
        if (!lock(session, "pg_try_advisory_xact_lock", pooled)) {
            return Optional.empty();
        }
        try (PreparedStatement query = session.prepareStatement("SELECT CASE WHEN to_jsonb(d) ->> 'datlocprovider'"
                + " = 'i' THEN 'icu' ELSE 'libc' END FROM pg_database d WHERE d.datname = ?"
                + " AND shobj_description(d.oid, 'pg_database') = ? AND (SELECT count(*) FROM pg_roles r"
                + " WHERE r.rolname = ANY (?) AND shobj_description(r.oid, 'pg_authid') = ?) = ?")) {
            query.setString(1, pooled.name());
            query.setString(2, PooledDatabase.readyMarker(template));
            query.setArray(3, session.createArrayOf("text",
                    Arrays.stream(TenantRole.values()).map(pooled::roleName).toArray()));
            query.setString(4, pooled.roleMarker());
            query.setInt(5, TenantRole.values().length);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /**
     * One pool database's advisory lock ({@code pg_try_advisory_xact_lock} for a claim, {@code pg_try_advisory_lock}
     * and {@code pg_advisory_unlock} for the refill): claims and drops never wait on each other.
     */
    static boolean lock(Connection session, String function, PooledDatabase pooled) throws SQLException {
        try (PreparedStatement lock = session.prepareStatement("SELECT " + function + "(?, hashtext(?))")) {
            lock.setInt(1, LOCK_NAMESPACE);
            lock.setString(2, pooled.name());
            try (ResultSet rs = lock.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * The claim's renames under a savepoint: a pool database that cannot be claimed (whatever the reason) is
     * passed over, never the onboarding's failure; the next one is tried, and then the ordinary path.
     */
    private static boolean renamed(Connection session, PooledDatabase pooled, TenantRecord tenant) throws SQLException {
        Savepoint before = session.setSavepoint();
        try {
            rename(session, pooled, tenant);
            session.releaseSavepoint(before);
            return true;
        } catch (SQLException e) {
            session.rollback(before);
            LOG.warn("Pool database {} could not be claimed for tenant {}, passed over: {}", pooled.name(),
                    tenant.tenantId(), e.getMessage());
            return false;
        }
    }

    /** The catalog statements of a claim, in one round trip. */
    private static void rename(Connection session, PooledDatabase pooled, TenantRecord tenant) throws SQLException {
        UUID tenantId = tenant.tenantId();
        String marker = literal(TenantNaming.ownerMarker(tenantId));
        String database = quote(TenantNaming.databaseName(tenantId));
        try (Statement statement = session.createStatement()) {
            for (TenantRole role : TenantRole.values()) {
                String name = quote(TenantNaming.roleName(tenantId, role));
                statement.addBatch("ALTER ROLE " + quote(pooled.roleName(role)) + " RENAME TO " + name);
                statement.addBatch("COMMENT ON ROLE " + name + " IS " + marker);
            }
            statement.addBatch("ALTER DATABASE " + quote(pooled.name()) + " RENAME TO " + database);
            statement.addBatch("ALTER DATABASE " + database + " CONNECTION LIMIT " + tenant.connectionLimit());
            statement.addBatch("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
            statement.addBatch("COMMENT ON DATABASE " + database + " IS " + marker);
            statement.executeBatch();
        }
    }

    private AtomicLong sizeOf(String cluster) {
        return sizes.computeIfAbsent(cluster, c -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("onboarding.tenant.database.pool.size", value, AtomicLong::get)
                    .description("Pool databases ready to be claimed, as the refill last counted them")
                    .tag("cluster", c).register(registry);
            return value;
        });
    }

    private Counter hits(String cluster) {
        return Counter.builder("onboarding.tenant.database.pool.hits")
                .description("New tenants whose database and roles were claimed from the pool")
                .tag("cluster", cluster).register(registry);
    }

    private Counter misses(String cluster) {
        return Counter.builder("onboarding.tenant.database.pool.misses")
                .description("New tenants made the ordinary way because the pool had no database ready")
                .tag("cluster", cluster).register(registry);
    }
}
