package io.onboarding.tenant;

import io.onboarding.tenant.TenantClusters;

import static io.onboarding.postgres.SqlIdentifiers.quote;

import io.onboarding.postgres.PostgresCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Locks a tenant database down and grants each tenant role exactly its privileges: database rights
 * from the cluster's maintenance database as the platform (the database's owner is the platform's;
 * no session enters the tenant's database for them), schema and table rights inside it as the
 * tenant's steward ({@link TenantSteward}) acting as the admin role (their owner), in one transaction.
 */
public final class TenantPrivilegeGranter {

    private static final List<String> TABLES = List.of("applications", "resources", "deployments", "user_activity");
    private static final String READ_WRITE = "SELECT, INSERT, UPDATE, DELETE";

    /** Table privileges per role; tenant_admin owns everything and needs no grant. */
    static final Map<TenantRole, Map<String, String>> TABLE_PRIVILEGES = Map.of(
            TenantRole.APPLICATION_MANAGER, privileges(READ_WRITE, READ_WRITE, READ_WRITE, "SELECT, INSERT"),
            TenantRole.DEVELOPER, privileges("SELECT", "SELECT", "SELECT", "SELECT, INSERT"),
            TenantRole.AUDITOR, privileges("SELECT", "SELECT", "SELECT", "SELECT"));

    private final TenantClusters clusters;
    private final TenantSteward steward;
    private final String maintenanceDatabase;

    public TenantPrivilegeGranter(TenantClusters clusters, TenantSteward steward, String maintenanceDatabase) {
        this.clusters = clusters;
        this.steward = steward;
        this.maintenanceDatabase = maintenanceDatabase;
    }

    public void grant(TenantRecord tenant) throws SQLException {
        grantOn(tenant, tenant.databaseName());
    }

    /** The same lock-down and grants on another database of the tenant's (a restored copy; a move's target copy). */
    public void grantOn(TenantRecord tenant, String databaseName) throws SQLException {
        UUID tenantId = tenant.tenantId();
        PostgresCluster cluster = clusters.of(tenant);
        try (Connection connection = cluster.connect(maintenanceDatabase);
             Statement statement = connection.createStatement()) {
            grantDatabase(statement, tenantId, databaseName);
        }
        String nonOwners = TABLE_PRIVILEGES.keySet().stream().sorted()
                .map(role -> quote(TenantNaming.roleName(tenantId, role))).collect(Collectors.joining(", "));
        steward.withConnection(cluster, tenantId, databaseName, connection -> {
            grantTables(connection, tenantId, nonOwners);
            return null;
        });
    }

    private static void grantTables(Connection connection, UUID tenantId, String nonOwners) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.addBatch("SET LOCAL ROLE " + quote(TenantNaming.roleName(tenantId, TenantRole.TENANT_ADMIN)));
            statement.addBatch("REVOKE ALL ON SCHEMA public FROM PUBLIC");
            statement.addBatch("GRANT USAGE ON SCHEMA public TO " + nonOwners);
            for (Map.Entry<TenantRole, Map<String, String>> grants : TABLE_PRIVILEGES.entrySet()) {
                String role = quote(TenantNaming.roleName(tenantId, grants.getKey()));
                for (Map.Entry<String, String> table : grants.getValue().entrySet()) {
                    String name = "public." + quote(table.getKey());
                    statement.addBatch("REVOKE ALL ON TABLE " + name + " FROM " + role);
                    statement.addBatch("GRANT " + table.getValue() + " ON TABLE " + name + " TO " + role);
                }
            }
            statement.executeBatch(); // one round trip
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }

    /**
     * PUBLIC locked out of the database, CONNECT for the tenant's roles (its steward through the admin
     * role) and what owning it gave the admin before, less the right to change the database. Pure
     * catalog statements, run from any database of the cluster: also at creation, so that a restore can
     * log in as the steward.
     */
    static void grantDatabase(Statement platformSession, UUID tenantId, String databaseName) throws SQLException {
        String database = quote(databaseName);
        String allRoles = List.of(TenantRole.values()).stream()
                .map(role -> quote(TenantNaming.roleName(tenantId, role))).collect(Collectors.joining(", "));
        String admin = quote(TenantNaming.roleName(tenantId, TenantRole.TENANT_ADMIN));
        platformSession.execute("REVOKE ALL ON DATABASE " + database + " FROM PUBLIC");
        platformSession.execute("GRANT CONNECT ON DATABASE " + database + " TO " + allRoles);
        platformSession.execute("GRANT CREATE, TEMPORARY ON DATABASE " + database + " TO " + admin);
    }

    private static Map<String, String> privileges(String... perTable) {
        Map<String, String> result = new LinkedHashMap<>();
        for (int i = 0; i < TABLES.size(); i++) {
            result.put(TABLES.get(i), perTable[i]);
        }
        return result;
    }
}
