package io.onboarding.tenant.schema;

import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;

import io.onboarding.operation.OperationHandedBack;
import io.onboarding.operation.StepContext;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of the {@code schema-rollout} operation: every active tenant not at the current tenant
 * schema version is planned ({@code rollout_tenants}), the canaries migrated one by one, then the
 * others {@code parallelism} at a time. The first failure stops it: no tenant is started after it
 * (those already running finish), and the step fails naming the tenant. Each tenant's progress is
 * recorded, so a rollout resumed after a crash carries on with the tenants not done.
 */
public final class TenantSchemaRollout {

    public static final String TYPE = "schema-rollout";
    private static final Logger LOG = LoggerFactory.getLogger(TenantSchemaRollout.class);

    private final TenantRepository tenants;
    private final TenantSchemaMigrator migrator;
    private final TenantSchemaVersions versions;
    private final int canaries;
    private final int parallelism;
    private final BooleanSupplier stopping;

    public TenantSchemaRollout(TenantRepository tenants, TenantSchemaMigrator migrator, TenantSchemaVersions versions,
                               int canaries, int parallelism, BooleanSupplier stopping) {
        if (canaries < 0 || parallelism < 1) {
            throw new IllegalArgumentException("onboarding.tenant-schema.rollout: canaries must be 0 or more,"
                    + " parallelism 1 or more");
        }
        this.tenants = tenants;
        this.migrator = migrator;
        this.versions = versions;
        this.canaries = canaries;
        this.parallelism = parallelism;
        this.stopping = stopping;
    }

    /** Step {@code plan-schema-rollout}. */
    public void plan(StepContext context) {
        versions.plan(context.operationId(), migrator.currentVersion(), canaries);
    }

    /** Step {@code migrate-canary-tenants}: one at a time; the first failure stops the rollout. */
    public void migrateCanaries(StepContext context) throws Exception {
        migrate(context.operationId(), versions.remaining(context.operationId(), true), 1, true);
    }

    /**
     * Step {@code migrate-other-tenants}: a tenant that cannot be migrated stays on its version with a
     * {@code schema} warning and the others go on; the step fails at the end naming every such tenant.
     */
    public void migrateOthers(StepContext context) throws Exception {
        migrate(context.operationId(), versions.remaining(context.operationId(), false), parallelism, false);
    }

    private void migrate(UUID operationId, List<UUID> tenantIds, int threads, boolean stopAtFirst) throws Exception {
        AtomicReference<RuntimeException> stop = new AtomicReference<>();
        List<String> failed = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, tenantIds.size())));
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (UUID tenantId : tenantIds) {
                runs.add(pool.submit(() -> {
                    if (stop.get() == null && (!stopAtFirst || failed.isEmpty())) {
                        migrateOne(operationId, tenantId, stop, failed);
                    }
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdown();
        }
        if (stop.get() != null) {
            throw stop.get();
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException(failed.size() + " tenant(s) not migrated: " + String.join("; ", failed));
        }
    }

    private void migrateOne(UUID operationId, UUID tenantId, AtomicReference<RuntimeException> stop,
                            List<String> failed) {
        if (stopping.getAsBoolean()) {
            stop.compareAndSet(null, new OperationHandedBack());
            return;
        }
        Optional<TenantRecord> tenant = tenants.find(tenantId).filter(t -> "active".equals(t.status()));
        if (tenant.isEmpty()) {
            versions.progress(operationId, tenantId, "skipped", "no longer active");
            return;
        }
        versions.progress(operationId, tenantId, "running", null);
        try {
            migrator.apply(tenant.get());
            versions.progress(operationId, tenantId, "done", null);
            tenants.clearWarning(tenantId, TenantSchemaConvergence.TOPIC);
        } catch (SQLException | RuntimeException e) {
            String reason = TenantSchemaConvergence.reason(e);
            LOG.warn("Schema rollout {}: tenant {} not migrated: {}", operationId, tenantId, reason);
            versions.progress(operationId, tenantId, "failed", reason);
            tenants.setWarning(tenantId, TenantSchemaConvergence.TOPIC,
                    "not migrated to the current tenant schema: " + reason);
            failed.add("tenant " + tenantId + " not migrated: " + reason);
        }
    }
}
