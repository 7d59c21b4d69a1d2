package io.onboarding.tenant;

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
import org.postgresql.util.PasswordUtil;

/**
 * A tenant's four NOLOGIN roles. Roles are cluster-global, so each carries the tenant's owner marker
 * as its comment; a role of the same name without it belongs to someone else and fails the step.
 * All four are created in one transaction: after a crash, either all exist or none do.
 * Invited users get LOGIN roles of their own, members of one tenant role; their passwords reach
 * PostgreSQL only as SCRAM verifiers computed here, so no password is ever in a server log.
 */
public final class TenantRoleProvisioner {

    private final TenantClusters clusters;
    private final String maintenanceDatabase;
    private final TenantSteward steward;
    private final TenantDatabasePool pool;

    public TenantRoleProvisioner(TenantClusters clusters, String maintenanceDatabase, TenantSteward steward,
                                 TenantDatabasePool pool) {
        this.clusters = clusters;
        this.maintenanceDatabase = maintenanceDatabase;
        this.steward = steward;
        this.pool = pool;
    }

    /**
     * Step {@code create-tenant-roles}: a ready database of the pool claimed with its roles in this step's
     * transaction ({@link TenantDatabasePool}), else the roles made as {@link #create} makes them.
     */
    public void createOrClaim(TenantRecord tenant) throws SQLException {
        create(tenant, true);
    }

    /** On the cluster the record names (a move creates them on its target this way). */
    public void create(TenantRecord tenant) throws SQLException {
        create(tenant, false);
    }

    private void create(TenantRecord tenant, boolean fromPool) throws SQLException {
        UUID tenantId = tenant.tenantId();
        String marker = TenantNaming.ownerMarker(tenantId);
        Optional<TenantDatabasePool.Claim> claim;
        try (Connection connection = clusters.of(tenant).connect(maintenanceDatabase)) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                // Claimed roles carry the tenant's marker by now: the loop below finds them made.
                claim = fromPool ? pool.claim(connection, tenant) : Optional.empty();
                for (TenantRole role : TenantRole.values()) {
                    String name = TenantNaming.roleName(tenantId, role);
                    Optional<String> existing = OwnerMarkers.ofRole(connection, name);
                    if (existing.isPresent()) {
                        if (!marker.equals(existing.get())) {
                            throw new TenantConflictException("role " + name
                                    + " already exists and does not belong to tenant " + tenantId);
                        }
                        continue;
                    }
                    statement.addBatch("CREATE ROLE " + quote(name) + " NOLOGIN");
                    statement.addBatch("COMMENT ON ROLE " + quote(name) + " IS " + literal(marker));
                }
                // A CREATEROLE (not superuser) service user must be a member of the admin role to hand
                // it the database and to run migrations as it.
                if (!ClusterLockdown.isSuperuser(connection)) {
                    statement.addBatch("GRANT " + quote(TenantNaming.roleName(tenantId, TenantRole.TENANT_ADMIN))
                            + " TO CURRENT_USER");
                }
                statement.executeBatch(); // one round trip
                steward.ensure(connection, tenantId);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
        if (claim.isPresent()) {
            pool.claimed(tenant, claim.get());
        }
    }

    /** A LOGIN role for an invited user, member of one of the tenant's roles; idempotent. */
    public void createLogin(UUID tenantId, String login, TenantRole memberOf, String password, int connectionLimit)
            throws SQLException {
        String marker = TenantNaming.ownerMarker(tenantId);
        try (Connection connection = clusters.of(tenantId).connect(maintenanceDatabase)) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                Optional<String> existing = OwnerMarkers.ofRole(connection, login);
                if (existing.isPresent() && !marker.equals(existing.get())) {
                    throw new TenantConflictException("role " + login + " already exists and does not belong to tenant "
                            + tenantId);
                }
                if (existing.isEmpty()) {
                    statement.execute("CREATE ROLE " + quote(login) + " LOGIN INHERIT CONNECTION LIMIT "
                            + connectionLimit + " IN ROLE " + quote(TenantNaming.roleName(tenantId, memberOf)));
                    statement.execute("COMMENT ON ROLE " + quote(login) + " IS " + literal(marker));
                }
                statement.execute("ALTER ROLE " + quote(login) + " PASSWORD " + literal(scramVerifier(password)));
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** A new password for a user's LOGIN role; sessions opened with the old one are closed. */
    public void changePassword(UUID tenantId, String login, String password) throws SQLException {
        try (Connection connection = clusters.of(tenantId).connect(maintenanceDatabase);
             Statement statement = connection.createStatement()) {
            requireOwn(connection, tenantId, login);
            statement.execute("ALTER ROLE " + quote(login) + " PASSWORD " + literal(scramVerifier(password)));
            PostgresCluster.terminateRoleSessions(connection, login);
        }
    }

    /**
     * A move: each of the tenant's users' LOGIN roles on the source record's cluster made again on the
     * target record's, same name, membership, connection limit and password: the SCRAM verifier is
     * read from the source's pg_authid (superuser only) and set as is, so no password is ever known
     * here. Idempotent (an existing login of the tenant's gets the verifier again).
     */
    public void copyLogins(TenantRecord source, TenantRecord target) throws SQLException {
        UUID tenantId = source.tenantId();
        List<String> groups = new ArrayList<>();
        for (TenantRole role : TenantRole.values()) {
            groups.add(TenantNaming.roleName(tenantId, role));
        }
        List<String[]> logins = new ArrayList<>();
        try (Connection connection = clusters.of(source).connect(maintenanceDatabase);
             PreparedStatement query = connection.prepareStatement("SELECT a.rolname, a.rolpassword,"
                     + " a.rolconnlimit, (SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid"
                     + " WHERE m.member = a.oid AND g.rolname = ANY (?) ORDER BY g.rolname LIMIT 1)"
                     + " FROM pg_authid a WHERE a.rolname = ANY (?)")) {
            query.setArray(1, connection.createArrayOf("text", groups.toArray()));
            query.setArray(2, connection.createArrayOf("text", userLogins(connection, tenantId).toArray()));
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    logins.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                }
            }
        }
        String marker = TenantNaming.ownerMarker(tenantId);
        try (Connection connection = clusters.of(target).connect(maintenanceDatabase)) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                for (String[] login : logins) {
                    Optional<String> existing = OwnerMarkers.ofRole(connection, login[0]);
                    if (existing.isPresent() && !marker.equals(existing.get())) {
                        throw new TenantConflictException("role " + login[0] + " already exists on the target"
                                + " and does not belong to tenant " + tenantId);
                    }
                    if (existing.isEmpty()) {
                        statement.execute("CREATE ROLE " + quote(login[0]) + " LOGIN INHERIT CONNECTION LIMIT "
                                + Integer.parseInt(login[2]) + (login[3] == null ? "" : " IN ROLE " + quote(login[3])));
                        statement.execute("COMMENT ON ROLE " + quote(login[0]) + " IS " + literal(marker));
                    }
                    if (login[1] != null) {
                        statement.execute("ALTER ROLE " + quote(login[0]) + " PASSWORD " + literal(login[1]));
                    }
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** Ends a user's sessions and drops its LOGIN role (objects it owns go to the tenant admin); idempotent. */
    public void dropLogin(UUID tenantId, String database, String login) throws SQLException {
        PostgresCluster cluster = clusters.of(tenantId);
        try (Connection connection = cluster.connect(maintenanceDatabase);
             Statement statement = connection.createStatement()) {
            if (OwnerMarkers.ofRole(connection, login).isEmpty()) {
                return;
            }
            requireOwn(connection, tenantId, login);
            try {
                statement.execute("ALTER ROLE " + quote(login) + " NOLOGIN");
                PostgresCluster.terminateRoleSessions(connection, login);
                // Catalog-only: REASSIGN and DROP OWNED run no code of the tenant's.
                try (Connection tenantDb = cluster.connectForCatalog(database);
                     Statement inTenant = tenantDb.createStatement()) {
                    inTenant.execute("REASSIGN OWNED BY " + quote(login) + " TO "
                            + quote(TenantNaming.roleName(tenantId, TenantRole.TENANT_ADMIN)));
                    inTenant.execute("DROP OWNED BY " + quote(login));
                }
                statement.execute("DROP ROLE " + quote(login));
            } catch (SQLException e) {
                // Dropped meanwhile by someone else removing the same user (a removal and a destroy at once):
                // gone is what was wanted.
                if (!UNDEFINED_OBJECT.equals(e.getSQLState()) || OwnerMarkers.ofRole(connection, login).isPresent()) {
                    throw e;
                }
            }
        }
    }

    /** SQLSTATE 42704: the role (or another object) does not exist. */
    private static final String UNDEFINED_OBJECT = "42704";

    private static void requireOwn(Connection connection, UUID tenantId, String login) throws SQLException {
        if (!OwnerMarkers.ofRole(connection, login).filter(TenantNaming.ownerMarker(tenantId)::equals).isPresent()) {
            throw new TenantConflictException("role " + login + " does not belong to tenant " + tenantId);
        }
    }

    private static String scramVerifier(String password) {
        return PasswordUtil.encodeScramSha256(password.toCharArray());
    }

    /**
     * Compensation: drops the tenant's own roles (never a look-alike); idempotent. The tenant's database goes
     * first if it is still there: a claim from the pool brings it with the roles, and roles that own objects in
     * a database cannot be dropped before it (after create-tenant-database's own undo, or a destroy's
     * drop-tenant-databases, it is gone already).
     */
    public void drop(UUID tenantId) throws SQLException {
        try (Connection connection = clusters.of(tenantId).connect(maintenanceDatabase)) {
            TenantDatabaseProvisioner.dropIfOwn(connection, tenantId, TenantNaming.databaseName(tenantId));
            dropOn(connection, tenantId);
        }
    }

    /** The tenant's roles and users' logins dropped from the cluster the record names (a move's target or source). */
    public void dropAllOn(TenantRecord tenant) throws SQLException {
        PostgresCluster cluster = clusters.of(tenant);
        try (Connection connection = cluster.connect(maintenanceDatabase);
             Statement statement = connection.createStatement()) {
            for (String user : userLogins(connection, tenant.tenantId())) {
                statement.execute("ALTER ROLE " + quote(user) + " NOLOGIN");
                PostgresCluster.terminateRoleSessions(connection, user);
                statement.execute("DROP ROLE " + quote(user));
            }
            dropOn(connection, tenant.tenantId());
        }
    }

    /** The tenant's steward and four group roles, if they carry its marker, on a connection to their cluster. */
    private static void dropOn(Connection connection, UUID tenantId) throws SQLException {
        String marker = TenantNaming.ownerMarker(tenantId);
        try (Statement statement = connection.createStatement()) {
            String stewardName = TenantSteward.name(tenantId);
            if (OwnerMarkers.ofRole(connection, stewardName).filter(marker::equals).isPresent()) {
                statement.execute("DROP ROLE " + quote(stewardName));
            }
            TenantRole[] roles = TenantRole.values();
            for (int i = roles.length - 1; i >= 0; i--) {
                String name = TenantNaming.roleName(tenantId, roles[i]);
                if (OwnerMarkers.ofRole(connection, name).filter(marker::equals).isPresent()) {
                    statement.execute("DROP ROLE " + quote(name));
                }
            }
        }
    }

    /**
     * Suspend (false) and resume (true): every LOGIN role of the tenant's users loses, or gets back,
     * the right to log in, so no member of the tenant can reach any database of the cluster while it
     * is suspended. The four group roles stay NOLOGIN, and so does the steward outside the platform's
     * own sessions ({@link TenantSteward#session}).
     */
    public void setUserLogins(UUID tenantId, boolean login) throws SQLException {
        try (Connection connection = clusters.of(tenantId).connect(maintenanceDatabase);
             Statement statement = connection.createStatement()) {
            for (String user : userLogins(connection, tenantId)) {
                statement.execute("ALTER ROLE " + quote(user) + (login ? " LOGIN" : " NOLOGIN"));
                if (!login) {
                    PostgresCluster.terminateRoleSessions(connection, user);
                }
            }
        }
    }

    /** The tenant's user roles that can log in now, by name. */
    public List<String> loginsAllowed(UUID tenantId) throws SQLException {
        try (Connection connection = clusters.of(tenantId).connect(maintenanceDatabase);
             PreparedStatement query = connection.prepareStatement(
                     "SELECT rolname FROM pg_roles WHERE rolcanlogin AND rolname = ANY (?) ORDER BY rolname")) {
            query.setArray(1, connection.createArrayOf("text", userLogins(connection, tenantId).toArray()));
            List<String> names = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        }
    }

    /** Roles carrying the tenant's marker other than its four group roles and its steward: its users' logins. */
    private static List<String> userLogins(Connection connection, UUID tenantId) throws SQLException {
        List<String> groups = new ArrayList<>();
        for (TenantRole role : TenantRole.values()) {
            groups.add(TenantNaming.roleName(tenantId, role));
        }
        groups.add(TenantSteward.name(tenantId));
        try (PreparedStatement query = connection.prepareStatement("SELECT rolname FROM pg_roles"
                + " WHERE shobj_description(oid, 'pg_authid') = ? AND NOT rolname = ANY (?) ORDER BY rolname")) {
            query.setString(1, TenantNaming.ownerMarker(tenantId));
            query.setArray(2, connection.createArrayOf("text", groups.toArray()));
            List<String> names = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        }
    }
}
