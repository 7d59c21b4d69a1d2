package io.onboarding.tenant;

import java.util.UUID;

/** A tenant's warnings by topic, as {@code StepWarnings} sets and clears them; a seam for route-level tests. */
public interface TenantWarnings {

    void setWarning(UUID tenantId, String topic, String message);

    void clearWarning(UUID tenantId, String topic);
}
