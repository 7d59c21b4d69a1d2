package io.onboarding.operation;

import java.util.UUID;

/** A tenant runs one operation at a time; the edge answers this with 409 naming the operation in the way. */
public final class SubjectBusyException extends RuntimeException {

    private final UUID tenantId;
    private final UUID runningOperationId;

    public SubjectBusyException(UUID tenantId, UUID runningOperationId) {
        super("tenant " + tenantId + " has an operation running (" + runningOperationId
                + "); try again when it has finished");
        this.tenantId = tenantId;
        this.runningOperationId = runningOperationId;
    }

    public UUID tenantId() {
        return tenantId;
    }

    /** The operation the tenant is busy with: {@code GET /api/v1/operations/{id}?wait=} tells when it ends. */
    public UUID runningOperationId() {
        return runningOperationId;
    }
}
