package io.onboarding.tenant;

import static io.onboarding.postgres.SqlIdentifiers.literal;
import static io.onboarding.postgres.SqlIdentifiers.quote;

import io.onboarding.postgres.ClusterLockdown;
import io.onboarding.postgres.PostgresCluster;
import io.onboarding.secrets.SecretStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.postgresql.util.PasswordUtil;

/**
 * The login the platform works inside a tenant's database with: {@code tenant_<hex>_steward}, a role that
 * is a member of the tenant's admin role and of the group {@link ClusterLockdown#STEWARDS} and nothing
 * else (NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS). Code the tenant wrote (a trigger,
 * a CHECK, a view, an operator in {@code public}) runs with the session's login whatever {@code SET ROLE}
 * says, so every session that touches a tenant object (migrations, grants, restores, copies) is this
 * login's: a {@code RESET ROLE} leads back to the tenant's own rights, never to the platform's.
 *
 * <p>Tenant code running in such a session is the steward, and a role may alter itself (its password, its
 * settings, per database too) and own objects (a SECURITY DEFINER function anyone may call). So the
 * steward can log in only during the platform's own work ({@link #session}): before it, from the platform
 * login, it is put back as decided (attributes, membership, password, no settings anywhere) and may log in
 * for an hour; after it, it is NOLOGIN again and whatever it came to own in the database is handed to the
 * admin role. Its sessions pin the settings that could deny the work (a statement timeout bounds what
 * the tenant's code can hold up). Its password is derived (HMAC-SHA256) from one platform key kept in the
 * secret store at {@value #KEY_PATH}, so nothing per tenant is stored.
 */
public final class TenantSteward {

    static final String KEY_PATH = "platform/tenant-steward-key";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TenantSteward.class);
    /** SQLSTATE 28P01 (wrong password, or no such role) and 28000 (role cannot log in). */
    private static final String INVALID_PASSWORD = "28P01";
    private static final String INVALID_AUTHORIZATION = "28000";

    /** Work in a steward session. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws Exception;
    }

    /** Work on a steward's connection. */
    @FunctionalInterface
    public interface ConnectionWork<T> {
        T run(Connection steward) throws SQLException;
    }

    private final SecretStore secrets;
    private final String maintenanceDatabase;
    private final String statementTimeout;
    private volatile byte[] key;

    /** {@code statementTimeout}: PostgreSQL's spelling ("1h"), bounding every statement of a steward session. */
    public TenantSteward(SecretStore secrets, String maintenanceDatabase, String statementTimeout) {
        if (!statementTimeout.matches("[1-9][0-9]*(ms|s|min|h)")) {
            throw new IllegalStateException("onboarding.tenant-database.steward-statement-timeout must be a number"
                    + " and a unit (ms, s, min, h), e.g. 1h: " + statementTimeout);
        }
        this.secrets = secrets;
        this.maintenanceDatabase = maintenanceDatabase;
        this.statementTimeout = statementTimeout;
    }

    public static String name(UUID tenantId) {
        return TenantNaming.stewardName(tenantId);
    }

    /**
     * Creates the steward, or puts it back as the platform decided (attributes, membership, password,
     * no role settings, in any database), NOLOGIN until a {@link #session}: on {@code platformSession}, a
     * connection of the platform login to any database of the cluster. Part of the caller's transaction.
     */
    void ensure(Connection platformSession, UUID tenantId) throws SQLException {
        ensure(platformSession, tenantId, false);
    }

    /** The same, {@code login}: able to log in for an hour (a session's opening). */
    private void ensure(Connection platformSession, UUID tenantId, boolean login) throws SQLException {
        String steward = quote(name(tenantId));
        String marker = TenantNaming.ownerMarker(tenantId);
        Optional<String> existing = OwnerMarkers.ofRole(platformSession, name(tenantId));
        if (existing.isPresent() && !marker.equals(existing.get())) {
            throw new TenantConflictException("role " + name(tenantId) + " already exists and does not belong to tenant "
                    + tenantId);
        }
        String attributes = (login ? " LOGIN VALID UNTIL " + literal(OffsetDateTime.now().plusHours(1).toString())
                : " NOLOGIN") + " NOCREATEDB NOCREATEROLE INHERIT CONNECTION LIMIT -1 PASSWORD "
                + literal(PasswordUtil.encodeScramSha256(password(tenantId)));
        // PostgreSQL 15 lets only a superuser name these three in ALTER ROLE, even to turn them off; a
        // CREATEROLE service user cannot have turned them on either.
        String superuserOnly = " NOSUPERUSER NOREPLICATION NOBYPASSRLS";
        boolean superuser = ClusterLockdown.isSuperuser(platformSession);
        try (Statement statement = platformSession.createStatement()) {
            if (existing.isEmpty()) {
                statement.execute("CREATE ROLE " + steward + superuserOnly + attributes);
                statement.execute("COMMENT ON ROLE " + steward + " IS " + literal(marker));
            } else {
                statement.execute("ALTER ROLE " + steward + attributes + (superuser ? superuserOnly : ""));
                resetSettings(platformSession, statement, steward);
            }
            statement.execute("GRANT " + quote(TenantNaming.roleName(tenantId, TenantRole.TENANT_ADMIN)) + ", "
                    + quote(ClusterLockdown.STEWARDS) + " TO " + steward);
            if (!superuser) {
                // REASSIGN OWNED BY the steward (after each session) needs a member of it.
                statement.execute("GRANT " + steward + " TO CURRENT_USER");
            }
        }
    }

    /** Its settings for every database ({@code ALTER ROLE … IN DATABASE … SET}) and for all of them, gone. */
    private static void resetSettings(Connection platformSession, Statement statement, String steward)
            throws SQLException {
        List<String> databases = new ArrayList<>();
        try (PreparedStatement query = platformSession.prepareStatement("SELECT d.datname FROM"
                + " pg_catalog.pg_db_role_setting s JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase"
                + " WHERE s.setrole = ?::regrole")) {
            query.setString(1, steward);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    databases.add(rs.getString(1));
                }
            }
        }
        for (String database : databases) {
            statement.execute("ALTER ROLE " + steward + " IN DATABASE " + quote(database) + " RESET ALL");
        }
        statement.execute("ALTER ROLE " + steward + " RESET ALL");
    }

    /**
     * Runs {@code work} while the steward may log in (it logs in through {@link #connect} or a client
     * tool's {@link #libpqLogin}), then closes the window: NOLOGIN, and whatever the steward came to own in
     * {@code database} handed to the admin role (catalog-only, as the platform).
     */
    public <T> T session(PostgresCluster cluster, UUID tenantId, String database, Work<T> work) throws Exception {
        open(cluster, tenantId);
        try {
            return work.run();
        } finally {
            close(cluster, tenantId, database);
        }
    }

    /** {@link #session} with one steward connection inside {@code database}. */
    public <T> T withConnection(PostgresCluster cluster, UUID tenantId, String database, ConnectionWork<T> work)
            throws SQLException {
        try {
            return session(cluster, tenantId, database, () -> {
                try (Connection connection = connect(cluster, tenantId, database)) {
                    return work.run(connection);
                }
            });
        } catch (SQLException | RuntimeException e) {
            throw e;
        } catch (Exception e) { // nothing but SQL is done here; the session's own signature is wider
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void open(PostgresCluster cluster, UUID tenantId) throws SQLException {
        try (Connection connection = cluster.connect(maintenanceDatabase)) {
            ensure(connection, tenantId, true);
        }
    }

    private void close(PostgresCluster cluster, UUID tenantId, String database) throws SQLException {
        String steward = quote(name(tenantId));
        try (Connection connection = cluster.connect(maintenanceDatabase);
             Statement statement = connection.createStatement()) {
            if (OwnerMarkers.ofRole(connection, name(tenantId)).isEmpty()) {
                return; // dropped meanwhile (a compensation)
            }
            statement.execute("ALTER ROLE " + steward + " NOLOGIN");
        }
        try (Connection connection = cluster.connectForCatalog(database);
             Statement statement = connection.createStatement()) {
            statement.execute("REASSIGN OWNED BY " + steward + " TO "
                    + quote(TenantNaming.roleName(tenantId, TenantRole.TENANT_ADMIN)));
        } catch (SQLException e) {
            if (!"3D000".equals(e.getSQLState())) { // the database is gone (a failed restore's copy): nothing to hand over
                throw e;
            }
        }
    }

    /**
     * A connection inside {@code database} logged in as the tenant's steward, within a {@link #session}:
     * search path {@code pg_catalog, pg_temp} (the caller qualifies names), the settings that could
     * deny the work pinned, every statement bounded. A refused login (another session's close came
     * between, or tenant code changed the password) opens the window again once.
     */
    Connection connect(PostgresCluster cluster, UUID tenantId, String database) throws SQLException {
        try {
            return cluster.connectAs(database, name(tenantId), new String(password(tenantId)), pinnedOptions());
        } catch (SQLException e) {
            if (!INVALID_PASSWORD.equals(e.getSQLState()) && !INVALID_AUTHORIZATION.equals(e.getSQLState())) {
                throw e;
            }
        }
        open(cluster, tenantId);
        try {
            return cluster.connectAs(database, name(tenantId), new String(password(tenantId)), pinnedOptions());
        } catch (SQLException e) {
            throw new SQLException("the tenant's steward " + name(tenantId) + " cannot log in: " + e.getMessage()
                    + " (the cluster's pg_hba.conf must let members of " + ClusterLockdown.STEWARDS
                    + " log in with scram-sha-256; docs/connections.md)", e.getSQLState(), e);
        }
    }

    /**
     * Session settings a steward's sessions start with, over anything set on the role or database:
     * libpq's {@code options} (JDBC) and {@code PGOPTIONS} (client tools).
     */
    String pinnedOptions() {
        return "-c local_preload_libraries= -c default_transaction_read_only=off -c statement_timeout="
                + statementTimeout + " -c idle_in_transaction_session_timeout=" + statementTimeout
                + " -c lock_timeout=0 -c search_path=" + PostgresCluster.CATALOG_SEARCH_PATH;
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

    /**
     * For a client tool (pg_restore) that logs in as the steward within a {@link #session}: user,
     * password and the pinned settings, never on a command line.
     */
    public Map<String, String> libpqLogin(UUID tenantId) {
        return Map.of("PGUSER", name(tenantId), "PGPASSWORD", new String(password(tenantId)),
                "PGOPTIONS", pinnedOptions());
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
