package io.onboarding.tenant.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.onboarding.kit.Refusal;
import io.onboarding.kit.HttpReplies;
import io.onboarding.operation.OperationLauncher;
import io.onboarding.operation.OperationListing;
import io.onboarding.operation.OperationView;
import io.onboarding.kit.Paging;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.camel.Exchange;

/**
 * {@code GET /api/v1/tenant-schema} (versions across the fleet, from the control plane, and the
 * latest rollout's progress per tenant) and {@code POST /api/v1/tenant-schema/rollout}.
 */
public final class TenantSchemaApi {

    /** The latest rollout: its operation, how many tenants stand where, and those that failed. */
    record Rollout(UUID operationId, String status, Map<String, Integer> tenants,
                   List<TenantSchemaVersions.RolloutTenant> failed) {
    }

    record Fleet(String currentVersion, Map<String, Integer> tenantsByVersion,
                 @JsonInclude(JsonInclude.Include.ALWAYS) Rollout rollout) {
    }

    private final TenantSchemaMigrator migrator;
    private final TenantSchemaVersions versions;
    private final OperationLauncher launcher;
    private final OperationListing operations;

    public TenantSchemaApi(TenantSchemaMigrator migrator, TenantSchemaVersions versions, OperationLauncher launcher,
                           OperationListing operations) {
        this.migrator = migrator;
        this.versions = versions;
        this.launcher = launcher;
        this.operations = operations;
    }

    public void get(Exchange exchange) {
        Rollout rollout = operations.page(null, TenantSchemaRollout.TYPE, null, new Paging.Position(null, null), 1)
                .stream().findFirst().map(this::rollout).orElse(null);
        HttpReplies.json(exchange, 200, new Fleet(migrator.currentVersion(), versions.tenantsByVersion(), rollout));
    }

    /** 409 naming the rollout that runs (the newest one running), so a caller can wait for it. */
    private Refusal rolloutRunning() {
        String message = "a tenant schema rollout is already running; see GET /api/v1/tenant-schema";
        return operations.page(null, TenantSchemaRollout.TYPE, "running", new Paging.Position(null, null), 1).stream()
                .findFirst()
                .map(running -> new Refusal(409, "conflict", message, java.util.List.of(new Refusal.FieldError(
                        "operation_id", "rollout " + running.operationId() + " is running", running.operationId()))))
                .orElseGet(() -> new Refusal(409, "conflict", message));
    }

    /** 202 with the operation; 409 while another rollout runs. */
    public void rollout(Exchange exchange) {
        UUID operationId = launcher.launchAlone(TenantSchemaRollout.TYPE, Map.of("version", migrator.currentVersion()))
                .orElseThrow(this::rolloutRunning);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("operation_id", operationId);
        body.put("type", TenantSchemaRollout.TYPE);
        body.put("tenant_id", null);
        body.put("status", "running");
        HttpReplies.json(exchange, 202, body);
        exchange.getMessage().setHeader("Location", "/api/v1/operations/" + operationId);
    }

    private Rollout rollout(OperationView operation) {
        List<TenantSchemaVersions.RolloutTenant> tenants = versions.rollout(operation.operationId());
        Map<String, Integer> counts = new TreeMap<>();
        tenants.forEach(tenant -> counts.merge(tenant.status(), 1, Integer::sum));
        return new Rollout(operation.operationId(), operation.status(), counts,
                tenants.stream().filter(tenant -> "failed".equals(tenant.status())).toList());
    }
}
