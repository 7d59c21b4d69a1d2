package io.onboarding.lifecycle;

import io.onboarding.cluster.ClusterDirectory;
import io.onboarding.cluster.TenantPlacement;
import io.onboarding.git.GitRepositoryRecords;
import io.onboarding.identity.AuthProviderSettings;
import io.onboarding.operation.OperationJournal;
import io.onboarding.operation.OperationLauncher;
import io.onboarding.operation.OperationPipelines;
import io.onboarding.operation.OperationRunner;
import io.onboarding.tenant.BackupLimits;
import io.onboarding.tenant.PlanCatalog;
import io.onboarding.tenant.TenantDatabaseProvisioner;
import io.onboarding.tenant.TenantRepository;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;

/** A tenant's life through the API: onboarding requests (validation, placement, launch), change, suspend, resume, destroy. */
public class LifecycleConfiguration implements CamelConfiguration {

    @BindToRegistry("tenantOnboarding")
    public TenantOnboarding tenantOnboarding(DataSource controlPlane, TenantRepository tenants,
            OperationJournal journal, OperationPipelines pipelines, OperationRunner runner, PlanCatalog catalog,
            AuthProviderSettings authProviders, TenantPlacement placement) {
        return new TenantOnboarding(controlPlane, tenants, journal, pipelines, runner, catalog, authProviders,
                placement);
    }

    @BindToRegistry("tenantRequestValidator")
    public TenantRequestValidator tenantRequestValidator(PlanCatalog catalog, BackupLimits backupLimits,
            ClusterDirectory clusters) {
        return new TenantRequestValidator(catalog, backupLimits, clusters);
    }

    @BindToRegistry("tenantLifecycle")
    public TenantLifecycle tenantLifecycle(TenantRepository tenants, TenantRequestValidator validator,
            OperationLauncher launcher, OperationJournal journal, TenantDatabaseProvisioner databases) {
        return new TenantLifecycle(tenants, validator, launcher, journal, databases);
    }

    @BindToRegistry("tenantApi")
    public TenantApi tenantApi(TenantRepository tenants, PlanCatalog catalog, TenantLifecycle lifecycle,
            GitRepositoryRecords git) {
        return new TenantApi(tenants, catalog, lifecycle, tenantId -> git.find(tenantId)
                .map(repository -> new TenantView.Git(repository.repositoryUrl(), repository.archivedAt())));
    }
}
