package io.onboarding.lifecycle;

import io.onboarding.tenant.BackupPolicy;
import io.onboarding.tenant.TenantDatabaseProvisioner;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;

import io.onboarding.lifecycle.TenantRequestValidator;

import io.onboarding.kit.Refusal;
import io.onboarding.kit.Json;
import io.onboarding.operation.OperationJournal;
import io.onboarding.operation.OperationLauncher;
import io.onboarding.operation.StepContext;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Changes to a tenant after onboarding, each an operation like provisioning: a plan or policy
 * change ({@code update}) and destruction ({@code destroy}).
 */
public final class TenantLifecycle {

    private static final Set<String> DESTROYABLE = Set.of("active", "suspended", "failed");
    /** Step statuses after compensation of something that ran and stayed done. */
    private static final Set<String> NOT_UNDONE = Set.of("running", "done", "warning", "failed");

    private final TenantRepository tenants;
    private final TenantRequestValidator validator;
    private final OperationLauncher launcher;
    private final OperationJournal journal;
    private final TenantDatabaseProvisioner databases;

    public TenantLifecycle(TenantRepository tenants, TenantRequestValidator validator, OperationLauncher launcher,
                           OperationJournal journal, TenantDatabaseProvisioner databases) {
        this.databases = databases;
        this.journal = journal;
        this.tenants = tenants;
        this.validator = validator;
        this.launcher = launcher;
    }

    /** {@code PATCH /api/v1/tenants/{id}}: recorded at once, re-applied by the {@code update} operation. */
    public UUID change(UUID tenantId, com.fasterxml.jackson.databind.JsonNode body) {
        TenantRecord current = tenants.requireActive(tenantId);
        TenantRequestValidator.Change change = validator.validateChange(body, current);
        Map<String, String> previous = Map.of("previous_plan", current.plan(),
                "previous_monitoring_level", current.monitoringLevel(),
                "previous_backup_policy", Json.write(current.backupPolicy()),
                "previous_connection_limit", Integer.toString(current.connectionLimit()));
        return launcher.launch("update", tenantId, previous, () -> tenants.applyChange(tenantId, change.plan(),
                change.monitoringLevel(), change.backupPolicy(), change.connectionLimit()));
    }

    /** Undo of a failed update: the tenant's previous plan and policy recorded again; the tenant as it is now. */
    public TenantRecord revertChange(StepContext context) throws Exception {
        tenants.applyChange(context.tenantId(), context.parameter("previous_plan"),
                context.parameter("previous_monitoring_level"),
                Json.MAPPER.readValue(context.parameter("previous_backup_policy"), BackupPolicy.class),
                Integer.parseInt(context.parameter("previous_connection_limit")));
        return tenants.load(context.tenantId());
    }

    /** {@code POST /api/v1/tenants/{id}/suspend {"reason"}}: connections blocked by a suspend operation. */
    public UUID suspend(UUID tenantId, com.fasterxml.jackson.databind.JsonNode body) {
        tenants.requireActive(tenantId);
        io.onboarding.kit.RequestSchemas.check("SuspendRequest", body);
        String reason = body != null && body.path("reason").isTextual() ? body.get("reason").asText().trim() : "";
        if (reason.isEmpty() || reason.length() > 500) {
            throw Refusal.validation("reason", "is required: why the tenant is suspended (at most 500 characters)");
        }
        return launcher.launch("suspend", tenantId, Map.of("reason", reason));
    }

    /** {@code POST /api/v1/tenants/{id}/resume}. */
    public UUID resume(UUID tenantId) {
        TenantRecord tenant = tenants.require(tenantId);
        if (!"suspended".equals(tenant.status())) {
            throw new Refusal(409, "conflict", "tenant " + tenantId + " is " + tenant.status() + ", not suspended");
        }
        return launcher.launch("resume", tenantId, Map.of());
    }

    /** Step {@code mark-tenant-suspended}. */
    public void suspended(StepContext context) {
        tenants.suspended(context.tenantId(), context.parameter("reason"));
    }

    /** Step {@code mark-tenant-resumed}. */
    public void resumed(UUID tenantId) {
        tenants.resumed(tenantId);
    }

    /** {@code DELETE /api/v1/tenants/{id}?confirm={tenant_name}}: nothing is touched unless confirmed. */
    public UUID destroy(UUID tenantId, String confirm) {
        TenantRecord tenant = tenants.require(tenantId);
        if (confirm == null || !confirm.equals(tenant.tenantName())) {
            throw Refusal.validation("confirm", "must be the tenant's name, exactly");
        }
        if (!DESTROYABLE.contains(tenant.status())) {
            throw new Refusal(409, "conflict", "tenant " + tenantId + " is " + tenant.status()
                    + "; it can be destroyed when active, suspended or failed");
        }
        return launcher.launch("destroy", tenantId, Map.of("previous_status", tenant.status(),
                "backup_id", UUID.randomUUID().toString(), "kind", "final"),
                () -> tenants.setStatus(tenantId, "destroying"));
    }

    /** Step {@code mark-tenant-destroyed}. */
    public void destroyed(StepContext context) {
        tenants.destroyed(context.tenantId(), UUID.fromString(context.parameter("backup_id")));
    }

    /**
     * A destroy that failed: if the final backup was all that ran, the tenant is as it was; once
     * something was removed it cannot come back, so the tenant is failed with a warning and another
     * DELETE finishes the job (every step is idempotent).
     */
    public void destroyFailed(StepContext context) throws java.sql.SQLException {
        UUID tenantId = context.tenantId();
        // What was undone is back; what ran and could not be undone (a dropped database) is gone for good.
        boolean somethingRemoved = journal.find(context.operationId()).orElseThrow().steps().stream()
                .anyMatch(step -> !step.name().equals("take-final-backup") && NOT_UNDONE.contains(step.status()));
        String previous = context.parameter("previous_status");
        if ("suspended".equals(previous) && databases.settings(tenantId).isPresent()) {
            // The final backup opened it; whatever else happened, a suspended tenant's database stays closed.
            databases.blockConnections(tenantId);
        }
        if (somethingRemoved) {
            tenants.setStatus(tenantId, "failed");
            tenants.setWarning(tenantId, "destroy", "incomplete; DELETE the tenant again to finish");
        } else {
            tenants.setStatus(tenantId, previous);
        }
    }
}
