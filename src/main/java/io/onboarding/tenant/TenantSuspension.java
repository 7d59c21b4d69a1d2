package io.onboarding.tenant;

import java.sql.SQLException;
import java.util.List;
import io.onboarding.operation.OperationJournal;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
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
    private final OperationJournal journal;
    private final TransactionTemplate transaction;

    public TenantSuspension(TenantRepository tenants, TenantDatabaseProvisioner databases, TenantRoleProvisioner roles,
                            OperationJournal journal, DataSource controlPlane) {
        this.journal = journal;
        this.transaction = new TransactionTemplate(new DataSourceTransactionManager(controlPlane));
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
        for (TenantRecord listed : tenants.withDatabase()) {
            try {
                // Under the tenant's row lock, which launching an operation takes too: no resume or
                // destroy can start meanwhile, and one already running decides about the database.
                transaction.executeWithoutResult(status -> {
                    tenants.lockForOperation(listed.tenantId());
                    TenantRecord tenant = tenants.load(listed.tenantId());
                    if (journal.hasUnfinished(tenant.tenantId())) {
                        return;
                    }
                    settle(tenant);
                });
                tenants.clearWarning(listed.tenantId(), "access");
            } catch (RuntimeException e) {
                LOG.warn("Tenant {}: database access not settled: {}", listed.tenantId(), e.getMessage());
                tenants.setWarning(listed.tenantId(), "access", "not settled: " + e.getMessage());
            }
        }
    }

    private void settle(TenantRecord tenant) {
        try {
            databases.reclaim(tenant);
            if ("suspended".equals(tenant.status())) {
                close(tenant.tenantId());
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
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
