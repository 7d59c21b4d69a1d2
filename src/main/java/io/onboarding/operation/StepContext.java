package io.onboarding.operation;

import io.onboarding.tenant.TenantRecord;
import java.util.Map;
import java.util.UUID;

/**
 * Everything a step gets: the operation it belongs to, the tenant as the control plane has it when
 * the step starts, and the operation's parameters (e.g. restore's {@code backup_id}). It is the body
 * the engine hands a step's endpoint; a step method may take it whole, or only the
 * {@link TenantRecord} or tenant id it needs (converted from it, see {@link StepContextConverters}).
 */
public record StepContext(UUID operationId, String operationType, TenantRecord tenant, Map<String, String> parameters) {

    public StepContext {
        parameters = Map.copyOf(parameters);
    }

    /** Null for an operation on the fleet rather than one tenant (e.g. the tenant-schema rollout). */
    public UUID tenantId() {
        return tenant == null ? null : tenant.tenantId();
    }

    /** A parameter the operation was launched with; failing if it is missing is a bug, not input. */
    public String parameter(String name) {
        String value = parameters.get(name);
        if (value == null) {
            throw new IllegalStateException("operation " + operationId + " has no parameter " + name);
        }
        return value;
    }

    public boolean flag(String name) {
        return Boolean.parseBoolean(parameters.get(name));
    }
}
