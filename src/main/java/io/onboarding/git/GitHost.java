package io.onboarding.git;

import io.onboarding.tenant.TenantRecord;
import java.util.Optional;
import java.util.UUID;

/** Where tenant repositories live: bare repositories under GIT_ROOT, or a Git server. */
interface GitHost {

    /** {@code local} or {@code server}, as the control plane records it. */
    String kind();

    /**
     * Creates the tenant's repository with its initial commit, or reuses the one an earlier attempt
     * made for this tenant; one of that name that is not this tenant's is a conflict. Returns its URL.
     */
    String create(TenantRecord tenant) throws Exception;

    /** Removes the tenant's repository if there is one and it is this tenant's. */
    void remove(UUID tenantId) throws Exception;

    /**
     * The repositories this host holds that carry our mark, by tenant id (archived ones aside), or
     * empty if the host cannot list them (a Git server: not checked).
     */
    Optional<java.util.Map<UUID, String>> owned() throws Exception;

    /** Archives it: the URL it is then reached at, or empty if there was nothing to archive. */
    Optional<String> archive(UUID tenantId) throws Exception;
}
