package io.onboarding.tenant;

/** A PostgreSQL object the tenant needs exists already and is not the tenant's own: never adopted. */
public final class TenantConflictException extends RuntimeException {

    public TenantConflictException(String message) {
        super(message);
    }
}
