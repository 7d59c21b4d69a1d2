package io.onboarding.git;

import io.onboarding.operation.StepOutcome;
import io.onboarding.secrets.SecretStore;
import io.onboarding.tenant.TenantRecord;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps {@code create-tenant-git-repository} (undo: {@link #remove}) and
 * {@code archive-tenant-git-repository} ({@link #retire}): the tenant's repository on its
 * {@link GitHost}, recorded in the control plane for {@code GET /api/v1/tenants/{id}}.
 */
public final class TenantGitRepositories {

    private static final Logger LOG = LoggerFactory.getLogger(TenantGitRepositories.class);

    private final GitHost host;
    private final GitRepositoryRecords records;
    private final SecretStore secrets;
    private final boolean removeOnDestroy;

    TenantGitRepositories(GitHost host, GitRepositoryRecords records, SecretStore secrets, String onDestroy) {
        if (!"archive".equals(onDestroy) && !"remove".equals(onDestroy)) {
            throw new IllegalArgumentException("onboarding.git.on-destroy must be archive or remove, not " + onDestroy);
        }
        this.host = host;
        this.records = records;
        this.secrets = secrets;
        this.removeOnDestroy = "remove".equals(onDestroy);
    }

    public void create(TenantRecord tenant) throws Exception {
        String url = host.create(tenant);
        records.created(tenant.tenantId(), url, host.kind());
        LOG.info("Git repository of tenant {}: {}", tenant.tenantId(), url);
    }

    /** Undo of create, and destroy with {@code onboarding.git.on-destroy=remove}. */
    public void remove(UUID tenantId) throws Exception {
        host.remove(tenantId);
        secrets.delete(GitNaming.secretPath(tenantId));
        records.removed(tenantId);
    }

    /** Destroy: archived (default) or removed; its deploy key goes either way. */
    public StepOutcome retire(UUID tenantId) throws Exception {
        if (removeOnDestroy) {
            remove(tenantId);
            return StepOutcome.done();
        }
        Optional<String> archived = host.archive(tenantId);
        secrets.delete(GitNaming.secretPath(tenantId));
        if (archived.isEmpty()) {
            return StepOutcome.skipped("no Git repository");
        }
        records.archived(tenantId, archived.get());
        return StepOutcome.done();
    }

    /** Our repositories by tenant id, or empty where the host cannot list them (reconciliation). */
    public Optional<java.util.Map<UUID, String>> ownedRepositories() throws Exception {
        return host.owned();
    }

    public Optional<GitRepositoryRecords.GitRepository> find(UUID tenantId) {
        return records.find(tenantId);
    }
}
