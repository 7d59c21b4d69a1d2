package io.onboarding.tenant;

import static io.onboarding.platform.SqlIdentifiers.literal;
import static io.onboarding.platform.SqlIdentifiers.quote;

import io.onboarding.platform.ClusterLockdown;
import io.onboarding.platform.PostgresCluster;
import io.onboarding.secrets.SecretStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.postgresql.util.PasswordUtil;

/**
 * The login the platform works inside a tenant's database with: {@code tenant_<hex>_steward}, a LOGIN
 * role that is a member of the tenant's admin role and nothing else (NOSUPERUSER NOCREATEDB
 * NOCREATEROLE NOREPLICATION NOBYPASSRLS). Code the tenant wrote (a trigger, a CHECK, a view, an
 * operator in {@code public}) runs with the session's login whatever {@code SET ROLE} says, so every
 * session that touches a tenant object (migrations, grants, restores, copies) is this login's: a
 * {@code RESET ROLE} leads back to the tenant's own rights, never to the platform's.
 *
 * <p>Its password is derived (HMAC-SHA256) from one platform key kept in the secret store at
 * {@value #KEY_PATH}, so nothing per tenant is stored. Code of the tenant's can change the steward's
 * password or settings (a role may alter itself): a refused login re-sets them from the platform login
 * and tries once more, so tampering costs the tenant nothing but its own time.
 */
public final class TenantSteward {

    static final String KEY_PATH = "platform/tenant-steward-key";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TenantSteward.class);
    /** SQLSTATE 28P01 (wrong password, or no such role) and 28000 (role cannot log in). */
    private static final String INVALID_PASSWORD = "28P01";
    private static final String INVALID_AUTHORIZATION = "28000";

    private final SecretStore secrets;
    private final String maintenanceDatabase;
    private volatile byte[] key;

    public TenantSteward(SecretStore secrets, String maintenanceDatabase) {
        this.secrets = secrets;
        this.maintenanceDatabase = maintenanceDatabase;
    }

    public static String name(UUID tenantId) {
        return TenantNaming.stewardName(tenantId);
    }

    /**
     * Creates the steward, or puts it back as the platform decided (attributes, membership, password,
     * no role settings): on {@code platformSession}, a connection of the platform login to any database
     * of the cluster. Part of the caller's transaction.
     */
    void ensure(Connection platformSession, UUID tenantId) throws SQLException {
        String steward = quote(name(tenantId));
        String marker = TenantNaming.ownerMarker(tenantId);
        Optional<String> existing = OwnerMarkers.ofRole(platformSession, name(tenantId));
        if (existing.isPresent() && !marker.equals(existing.get())) {
            throw new TenantConflictException("role " + name(tenantId) + " already exists and does not belong to tenant "
                    + tenantId);
        }
        String attributes = " LOGIN NOCREATEDB NOCREATEROLE INHERIT CONNECTION LIMIT -1 PASSWORD "
                + literal(PasswordUtil.encodeScramSha256(password(tenantId)));
        // PostgreSQL 15 lets only a superuser name these three in ALTER ROLE, even to turn them off; a
        // CREATEROLE service user cannot have turned them on either.
        String superuserOnly = " NOSUPERUSER NOREPLICATION NOBYPASSRLS";
        try (Statement statement = platformSession.createStatement()) {
            if (existing.isEmpty()) {
                statement.execute("CREATE ROLE " + steward + superuserOnly + attributes);
                statement.execute("COMMENT ON ROLE " + steward + " IS " + literal(marker));
            } else {
                statement.execute("ALTER ROLE " + steward + attributes
                        + (ClusterLockdown.isSuperuser(platformSession) ? superuserOnly : ""));
                statement.execute("ALTER ROLE " + steward + " RESET ALL");
            }
            statement.execute("GRANT " + quote(TenantNaming.roleName(tenantId, TenantRole.TENANT_ADMIN)) + ", "
                    + quote(ClusterLockdown.STEWARDS) + " TO " + steward);
        }
    }

    /**
     * A session inside {@code database} logged in as the tenant's steward, search path {@code
     * pg_catalog, pg_temp}: names of the tenant's objects are qualified by the caller.
     */
    public Connection connect(PostgresCluster cluster, UUID tenantId, String database) throws SQLException {
        try {
            return cluster.connectAs(database, name(tenantId), new String(password(tenantId)));
        } catch (SQLException e) {
            if (!INVALID_PASSWORD.equals(e.getSQLState()) && !INVALID_AUTHORIZATION.equals(e.getSQLState())) {
                throw e;
            }
        }
        repair(cluster, tenantId);
        try {
            return cluster.connectAs(database, name(tenantId), new String(password(tenantId)));
        } catch (SQLException e) {
            throw new SQLException("the tenant's steward " + name(tenantId) + " cannot log in: " + e.getMessage()
                    + " (the cluster's pg_hba.conf must let members of " + ClusterLockdown.STEWARDS
                    + " log in with scram-sha-256; docs/connections.md)", e.getSQLState(), e);
        }
    }

    /** The steward as the platform decided, on {@code cluster} (made for tenants of an earlier release). */
    public void repair(PostgresCluster cluster, UUID tenantId) throws SQLException {
        try (Connection connection = cluster.connect(maintenanceDatabase)) {
            ensure(connection, tenantId);
        }
    }

    /**
     * Reads (or makes) the platform key at start, so that provisioning does not wait on the secret store
     * for it; a store that cannot answer now is asked again at the first use.
     */
    void preload() {
        try {
            key();
        } catch (RuntimeException e) {
            LOG.warn("The tenant steward key ({}) could not be read at start, it is read at first use: {}", KEY_PATH,
                    e.getMessage());
        }
    }

    /** For a client tool (pg_restore) that logs in as the steward: user and password, never on a command line. */
    public Map<String, String> libpqLogin(UUID tenantId) {
        return Map.of("PGUSER", name(tenantId), "PGPASSWORD", new String(password(tenantId)));
    }

    private char[] password(UUID tenantId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(), "HmacSHA256"));
            byte[] digest = mac.doFinal(("tenant steward " + tenantId).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).toCharArray();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] key() {
        byte[] current = key;
        if (current == null) {
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            secrets.putIfAbsent(KEY_PATH, Map.of("key", Base64.getEncoder().encodeToString(fresh)));
            String stored = secrets.get(KEY_PATH).map(data -> data.get("key")).orElseThrow(() ->
                    new IllegalStateException("the tenant steward key at " + KEY_PATH + " cannot be read"));
            current = Base64.getDecoder().decode(stored);
            key = current;
        }
        return current;
    }
}
