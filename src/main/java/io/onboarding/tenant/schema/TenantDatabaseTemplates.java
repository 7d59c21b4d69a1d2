package io.onboarding.tenant.schema;

import io.onboarding.tenant.DatabaseCollation;
import io.onboarding.tenant.DatabaseTemplates;
import io.onboarding.tenant.OwnerMarkers;
import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantRole;

import static io.onboarding.postgres.SqlIdentifiers.literal;
import static io.onboarding.postgres.SqlIdentifiers.quote;

import io.onboarding.postgres.ClusterLockdown;
import io.onboarding.postgres.PostgresCluster;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pre-migrated template databases, one per tenant-schema version and collation
 * ({@code onboarding_tenant_template_v<N>_<hash>}, which no tenant pattern matches): owned by
 * {@link ClusterLockdown#DATABASE_OWNER}, its schema owned by the placeholder role
 * {@value #PLACEHOLDER}, marked {@value #MARKER}, IS_TEMPLATE and closed to connections. A tenant
 * database is cloned from it and the placeholder's objects handed to the tenant's admin role, so
 * it is at the target with no migration run. Made once under an advisory lock (any instance); if it cannot be
 * made, provisioning falls back to template0 and Flyway, logged once.
 */
public final class TenantDatabaseTemplates implements DatabaseTemplates {

    private static final Logger LOG = LoggerFactory.getLogger(TenantDatabaseTemplates.class);
    /** NOLOGIN role owning the template's schema objects; it owns nothing else. */
    public static final String PLACEHOLDER = "onboarding_template_owner";
    public static final String MARKER = "onboarding: tenant-schema template";
    public static final String PREFIX = "onboarding_tenant_template_v";
    private static final long LOCK_KEY = 0x6f6e62746d706cL; // "onbtmpl"
    private static final Pattern STRATEGY = Pattern.compile("FILE_COPY|WAL_LOG");

    private final String maintenanceDatabase;
    private final TenantSchemaMigrator migrator;
    private final boolean enabled;
    private final String strategy;
    private final Map<String, String> ready = new ConcurrentHashMap<>();
    private final AtomicBoolean warned = new AtomicBoolean();

    public TenantDatabaseTemplates(String maintenanceDatabase, TenantSchemaMigrator migrator,
                                   boolean enabled, String strategy) {
        if (!STRATEGY.matcher(strategy).matches()) {
            throw new IllegalStateException("onboarding.tenant-database.template-strategy is FILE_COPY or WAL_LOG: "
                    + strategy);
        }
        this.maintenanceDatabase = maintenanceDatabase;
        this.migrator = migrator;
        this.enabled = enabled;
        this.strategy = strategy;
    }

    /** The clause cloning {@code template}, for a CREATE DATABASE without locale options (they come with it). */
    @Override
    public String cloneClause(String template) {
        return "TEMPLATE " + quote(template) + " STRATEGY " + strategy;
    }

    /** The ready template for this collation on this cluster, made if need be; empty: use template0 and Flyway. */
    @Override
    public Optional<String> templateFor(PostgresCluster cluster, String collation, String provider) {
        if (!enabled || collation == null) {
            return Optional.empty();
        }
        String key = collation + "/" + (provider == null ? "auto" : provider);
        try {
            return Optional.of(ready.computeIfAbsent(cluster.host() + ":" + cluster.port() + "/" + key,
                    k -> make(cluster, collation, provider, key)));
        } catch (RuntimeException e) {
            if (warned.compareAndSet(false, true)) {
                LOG.warn("No tenant-schema template database ({}); tenant databases are made from template0 and"
                        + " migrated one by one", e.getMessage());
            }
            return Optional.empty();
        }
    }

    /** A tenant database was just cloned from this release's template: it is at the template's version. */
    @Override
    public void cloned(UUID tenantId) {
        migrator.recordClone(tenantId);
    }

    /** In a database cloned from a template: the placeholder's objects become the tenant admin's. Idempotent. */
    @Override
    public void adopt(Statement inClone, UUID tenantId) throws SQLException {
        inClone.execute("REASSIGN OWNED BY " + quote(PLACEHOLDER) + " TO "
                + quote(TenantNaming.roleName(tenantId, TenantRole.TENANT_ADMIN)));
    }

    private String make(PostgresCluster cluster, String collation, String provider, String key) {
        try (Connection connection = cluster.connect(maintenanceDatabase);
             Statement statement = connection.createStatement()) {
            String name = PREFIX + migrator.currentVersion().replace('.', '_') + "_" + hash(key + "/" + migrator.fingerprint());
            statement.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
            try {
                if (!isReady(connection, name)) {
                    build(cluster, connection, statement, name, collation, provider);
                }
            } finally {
                statement.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
            }
            return name;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void build(PostgresCluster cluster, Connection connection, Statement statement, String name,
                       String collation, String provider) throws SQLException {
        ensurePlaceholder(connection, statement);
        Optional<String> marker = OwnerMarkers.ofDatabase(connection, name);
        if (marker.isPresent() && !marker.get().equals(MARKER)) {
            throw new IllegalStateException("database " + name + " exists and is not a tenant-schema template");
        }
        if (marker.isPresent()) { // half-made by an interrupted start
            statement.execute("ALTER DATABASE " + quote(name) + " IS_TEMPLATE false");
            statement.execute("DROP DATABASE " + quote(name) + " WITH (FORCE)");
        }
        DatabaseCollation.create(statement, "CREATE DATABASE " + quote(name) + " OWNER "
                + quote(ClusterLockdown.DATABASE_OWNER) + " ENCODING 'UTF8' TEMPLATE template0", collation, provider);
        statement.execute("COMMENT ON DATABASE " + quote(name) + " IS " + literal(MARKER));
        statement.execute("REVOKE ALL ON DATABASE " + quote(name) + " FROM PUBLIC");
        try (Connection template = cluster.connectForCatalog(name); Statement inTemplate = template.createStatement()) {
            inTemplate.execute("ALTER SCHEMA public OWNER TO " + quote(PLACEHOLDER));
        }
        migrator.migrateAs(cluster, name, PLACEHOLDER);
        statement.execute("ALTER DATABASE " + quote(name) + " ALLOW_CONNECTIONS false");
        PostgresCluster.terminateDatabaseSessions(connection, name);
        statement.execute("ALTER DATABASE " + quote(name) + " IS_TEMPLATE true");
        LOG.info("Tenant-schema template database {} made", name);
    }

    private static boolean isReady(Connection connection, String name) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT datistemplate AND NOT datallowconn"
                + " AND shobj_description(oid, 'pg_database') = ? FROM pg_database WHERE datname = ?")) {
            query.setString(1, MARKER);
            query.setString(2, name);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static void ensurePlaceholder(Connection connection, Statement statement) throws SQLException {
        Optional<String> marker = OwnerMarkers.ofRole(connection, PLACEHOLDER);
        if (marker.isPresent() && !marker.get().equals(MARKER)) {
            throw new IllegalStateException("role " + PLACEHOLDER + " exists but was not made by this service");
        }
        if (marker.isEmpty()) {
            statement.execute("CREATE ROLE " + quote(PLACEHOLDER) + " NOLOGIN");
            statement.execute("COMMENT ON ROLE " + quote(PLACEHOLDER) + " IS " + literal(MARKER));
        }
        statement.execute("GRANT " + quote(PLACEHOLDER) + " TO CURRENT_USER");
    }

    private static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
