package io.onboarding.operation;

import java.util.UUID;

/** A tenant runs one operation at a time; the edge answers this with 409 naming the running one. */
public final class TenantBusyException extends RuntimeException {

    private final UUID runningOperationId;

    public TenantBusyException(UUID tenantId, UUID runningOperationId, String runningType) {
        super("tenant " + tenantId + " has operation " + runningOperationId + " (" + runningType
                + ") running; try again when it has finished");
        this.runningOperationId = runningOperationId;
    }

    /** The operation the tenant is busy with. */
    public UUID runningOperationId() {
        return runningOperationId;
    }
}
