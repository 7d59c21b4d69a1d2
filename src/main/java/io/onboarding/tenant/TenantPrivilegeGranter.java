package io.onboarding.tenant;

import static io.onboarding.platform.SqlIdentifiers.quote;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Locks a tenant database down and grants each tenant role exactly its privileges, in one
 * transaction: database rights as the service (the database's owner is the platform's), schema and
 * table rights as the tenant's admin role (their owner).
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

    public TenantPrivilegeGranter(TenantClusters clusters) {
        this.clusters = clusters;
    }

    public void grant(TenantRecord tenant) throws SQLException {
        grantOn(tenant, tenant.databaseName());
    }

    /** The same lock-down and grants on another database of the tenant's (a restored copy; a move's target copy). */
    public void grantOn(TenantRecord tenant, String databaseName) throws SQLException {
        UUID tenantId = tenant.tenantId();
        String database = quote(databaseName);
        String allRoles = List.of(TenantRole.values()).stream()
                .map(role -> quote(TenantNaming.roleName(tenantId, role))).collect(Collectors.joining(", "));
        String nonOwners = TABLE_PRIVILEGES.keySet().stream().sorted()
                .map(role -> quote(TenantNaming.roleName(tenantId, role))).collect(Collectors.joining(", "));
        try (Connection connection = clusters.of(tenant).connect(databaseName)) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                String admin = quote(TenantNaming.roleName(tenantId, TenantRole.TENANT_ADMIN));
                statement.addBatch("REVOKE ALL ON DATABASE " + database + " FROM PUBLIC");
                statement.addBatch("GRANT CONNECT ON DATABASE " + database + " TO " + allRoles);
                // What owning the database gave the admin before, less the right to change the database.
                statement.addBatch("GRANT CREATE, TEMPORARY ON DATABASE " + database + " TO " + admin);
                statement.addBatch("SET LOCAL ROLE " + admin);
                statement.addBatch("REVOKE ALL ON SCHEMA public FROM PUBLIC");
                statement.addBatch("GRANT USAGE ON SCHEMA public TO " + nonOwners);
                for (Map.Entry<TenantRole, Map<String, String>> grants : TABLE_PRIVILEGES.entrySet()) {
                    String role = quote(TenantNaming.roleName(tenantId, grants.getKey()));
                    for (Map.Entry<String, String> table : grants.getValue().entrySet()) {
                        statement.addBatch("REVOKE ALL ON TABLE " + quote(table.getKey()) + " FROM " + role);
                        statement.addBatch("GRANT " + table.getValue() + " ON TABLE " + quote(table.getKey())
                                + " TO " + role);
                    }
                }
                statement.executeBatch(); // one round trip
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static Map<String, String> privileges(String... perTable) {
        Map<String, String> result = new LinkedHashMap<>();
        for (int i = 0; i < TABLES.size(); i++) {
            result.put(TABLES.get(i), perTable[i]);
        }
        return result;
    }
}
