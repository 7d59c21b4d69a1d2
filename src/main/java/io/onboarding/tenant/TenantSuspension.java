package io.onboarding.tenant;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Suspension as the platform enforces it, not only as the API reports it: the tenant database
 * closed and every login of the tenant's users turned off, then read back from pg_catalog, so a
 * step that did not take hold fails instead of reporting a suspension that is not there. Resume
 * undoes both and re-applies the plan's connection limit.
 */
public final class TenantSuspension {

    private static final Logger LOG = LoggerFactory.getLogger(TenantSuspension.class);

    private final TenantRepository tenants;
    private final TenantDatabaseProvisioner databases;
    private final TenantRoleProvisioner roles;

    public TenantSuspension(TenantRepository tenants, TenantDatabaseProvisioner databases, TenantRoleProvisioner roles) {
        this.tenants = tenants;
        this.databases = databases;
        this.roles = roles;
    }

    /** Step {@code block-tenant-connections} (and undo of a resume). */
    public void close(UUID tenantId) throws SQLException {
        TenantRecord tenant = tenants.load(tenantId);
        databases.blockConnections(tenantId);
        roles.setUserLogins(tenantId, false);
        databases.requireSettings(tenant, false);
        List<String> stillLogin = roles.loginsAllowed(tenantId);
        if (!stillLogin.isEmpty()) {
            throw new IllegalStateException("logins still allowed after suspension: " + stillLogin);
        }
    }

    /**
     * At start-up: every tenant with a database held as this release holds it (a database of an
     * older release taken back from the admin role), and every suspended one closed again, logins
     * included. A tenant that cannot be settled gets an {@code access} warning; the rest go on.
     */
    public void settleAll() {
        for (TenantRecord tenant : tenants.withDatabase()) {
            try {
                databases.reclaim(tenant);
                if ("suspended".equals(tenant.status())) {
                    close(tenant.tenantId());
                }
                tenants.clearWarning(tenant.tenantId(), "access");
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Tenant {}: database access not settled: {}", tenant.tenantId(), e.getMessage());
                tenants.setWarning(tenant.tenantId(), "access", "not settled: " + e.getMessage());
            }
        }
    }

    /** Step {@code allow-tenant-connections} (and undo of a suspension). */
    public void open(UUID tenantId) throws SQLException {
        TenantRecord tenant = tenants.load(tenantId);
        databases.allowConnections(tenantId);
        databases.applyConnectionLimit(tenant);
        roles.setUserLogins(tenantId, true);
        databases.requireSettings(tenant, true);
    }
}
