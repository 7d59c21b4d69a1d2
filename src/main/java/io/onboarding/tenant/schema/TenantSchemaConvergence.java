package io.onboarding.tenant.schema;

import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;

import java.sql.SQLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tenant databases provisioned by an earlier release converge on the tenant schema of this one:
 * once at start-up, every active tenant's database is migrated (Flyway, as at provisioning, so a
 * database already there is untouched). A suspended tenant's database is closed to everyone; it is
 * skipped here and migrated when the tenant is resumed (step {@code migrate-resumed-tenant-schema}).
 * A failure is the tenant's "schema" warning, not a failed start; the next start tries again.
 */
public final class TenantSchemaConvergence {

    static final String TOPIC = "schema";
    private static final Logger LOG = LoggerFactory.getLogger(TenantSchemaConvergence.class);

    private final TenantRepository tenants;
    private final TenantSchemaMigrator migrator;

    public TenantSchemaConvergence(TenantRepository tenants, TenantSchemaMigrator migrator) {
        this.tenants = tenants;
        this.migrator = migrator;
    }

    /** Only tenants the control plane does not record at the current version: a start costs nothing per tenant. */
    public void convergeAll() {
        for (TenantRecord tenant : tenants.withDatabaseBehind(migrator.currentVersion())) {
            if ("suspended".equals(tenant.status())) {
                LOG.info("Tenant {} is suspended (database closed): its schema is migrated when it is resumed",
                        tenant.tenantId());
            } else {
                converge(tenant);
            }
        }
    }

    private void converge(TenantRecord tenant) {
        try {
            TenantSchemaMigrator.Result result = migrator.apply(tenant);
            LOG.info("Tenant {} schema at version {} ({} migration(s) applied)", tenant.tenantId(),
                    result.version(), result.applied());
            tenants.clearWarning(tenant.tenantId(), TOPIC);
        } catch (SQLException | RuntimeException e) {
            String reason = reason(e);
            LOG.warn("Tenant {} schema not migrated: {}", tenant.tenantId(), reason);
            tenants.setWarning(tenant.tenantId(), TOPIC, "not migrated to the current tenant schema: " + reason);
        }
    }

    /** The innermost cause's first line: Flyway wraps the database's own message in a report. */
    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message).strip();
    }
}
