package io.onboarding.operation;

import java.util.UUID;

/** A tenant runs one operation at a time; the edge answers this with 409. */
public final class TenantBusyException extends RuntimeException {

    public TenantBusyException(UUID tenantId) {
        super("tenant " + tenantId + " has an operation running; try again when it has finished");
    }
}
