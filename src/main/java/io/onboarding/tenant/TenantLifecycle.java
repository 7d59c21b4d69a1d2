package io.onboarding.tenant;

import io.onboarding.api.ApiException;
import io.onboarding.api.Json;
import io.onboarding.operation.JournaledStepComponent;
import io.onboarding.operation.OperationJournal;
import io.onboarding.operation.OperationLauncher;
import io.onboarding.operation.OperationRunner;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.Exchange;

/**
 * Changes to a tenant after onboarding, each an operation like provisioning: a plan or policy
 * change ({@code update}) and destruction ({@code destroy}).
 */
public final class TenantLifecycle {

    private static final Set<String> DESTROYABLE = Set.of("active", "suspended", "failed");

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

    /** Compensation of a failed update: the tenant's previous plan and policy back in place. */
    public void revertChange(Exchange exchange) throws Exception {
        Map<String, String> previous = OperationRunner.parameters(exchange);
        UUID tenantId = exchange.getMessage().getHeader("tenantId", UUID.class);
        tenants.applyChange(tenantId, previous.get("previous_plan"), previous.get("previous_monitoring_level"),
                Json.MAPPER.readValue(previous.get("previous_backup_policy"), BackupPolicy.class),
                Integer.parseInt(previous.get("previous_connection_limit")));
    }

    /** {@code POST /api/v1/tenants/{id}/suspend {"reason"}}: connections blocked by a suspend operation. */
    public UUID suspend(UUID tenantId, com.fasterxml.jackson.databind.JsonNode body) {
        tenants.requireActive(tenantId);
        String reason = body != null && body.path("reason").isTextual() ? body.get("reason").asText().trim() : "";
        if (reason.isEmpty() || reason.length() > 500) {
            throw ApiException.validation("reason", "is required: why the tenant is suspended (at most 500 characters)");
        }
        return launcher.launch("suspend", tenantId, Map.of("reason", reason));
    }

    /** {@code POST /api/v1/tenants/{id}/resume}. */
    public UUID resume(UUID tenantId) {
        TenantRecord tenant = tenants.require(tenantId);
        if (!"suspended".equals(tenant.status())) {
            throw new ApiException(409, "conflict", "tenant " + tenantId + " is " + tenant.status() + ", not suspended");
        }
        return launcher.launch("resume", tenantId, Map.of());
    }

    /** Step {@code mark-tenant-suspended}. */
    public void suspended(Exchange exchange) {
        tenants.suspended(exchange.getMessage().getHeader("tenantId", UUID.class),
                OperationRunner.parameters(exchange).get("reason"));
    }

    /** Step {@code mark-tenant-resumed}. */
    public void resumed(UUID tenantId) {
        tenants.resumed(tenantId);
    }

    /** {@code DELETE /api/v1/tenants/{id}?confirm={tenant_name}}: nothing is touched unless confirmed. */
    public UUID destroy(UUID tenantId, String confirm) {
        TenantRecord tenant = tenants.require(tenantId);
        if (confirm == null || !confirm.equals(tenant.tenantName())) {
            throw ApiException.validation("confirm", "must be the tenant's name, exactly");
        }
        if (!DESTROYABLE.contains(tenant.status())) {
            throw new ApiException(409, "conflict", "tenant " + tenantId + " is " + tenant.status()
                    + "; it can be destroyed when active, suspended or failed");
        }
        return launcher.launch("destroy", tenantId, Map.of("previous_status", tenant.status(),
                "backup_id", UUID.randomUUID().toString(), "kind", "final"),
                () -> tenants.setStatus(tenantId, "destroying"));
    }

    /** Step {@code mark-tenant-destroyed}. */
    public void destroyed(UUID tenantId) {
        tenants.setStatus(tenantId, "destroyed");
    }

    /**
     * A destroy that failed: if the final backup was all that ran, the tenant is as it was; once
     * something was removed it cannot come back, so the tenant is failed with a warning and another
     * DELETE finishes the job (every step is idempotent).
     */
    public void destroyFailed(Exchange exchange) throws java.sql.SQLException {
        UUID tenantId = exchange.getMessage().getHeader("tenantId", UUID.class);
        UUID operationId = exchange.getMessage().getHeader(JournaledStepComponent.OPERATION_ID, UUID.class);
        boolean somethingRemoved = journal.find(operationId).orElseThrow().steps().stream()
                .anyMatch(step -> !step.name().equals("take-final-backup") && !step.status().equals("pending"));
        if (somethingRemoved) {
            tenants.setStatus(tenantId, "failed");
            tenants.setWarning(tenantId, "destroy", "incomplete; DELETE the tenant again to finish");
        } else {
            String previous = OperationRunner.parameters(exchange).get("previous_status");
            if ("suspended".equals(previous)) {
                databases.blockConnections(tenantId);
            }
            tenants.setStatus(tenantId, previous);
        }
    }
}
