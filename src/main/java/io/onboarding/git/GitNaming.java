package io.onboarding.git;

import java.util.UUID;

/** Names of a tenant's Git repository and its secret, from the tenant id only (never the tenant name). */
public final class GitNaming {

    private GitNaming() {
    }

    public static String repositoryName(UUID tenantId) {
        return "tenant-" + tenantId.toString().replace("-", "");
    }

    /** The deploy key of a repository on a Git server (contract §5). */
    public static String secretPath(UUID tenantId) {
        return "tenant-git/" + tenantId;
    }
}
