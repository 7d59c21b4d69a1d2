package io.onboarding.tenant;

import static io.onboarding.platform.PostgresCluster.MAINTENANCE_DATABASE;

import io.micrometer.core.instrument.MeterRegistry;
import io.onboarding.backup.BackupLimits;
import io.onboarding.git.GitRepositoryRecords;
import io.onboarding.identity.AuthProviderSettings;
import io.onboarding.operation.OperationJournal;
import io.onboarding.operation.OperationLauncher;
import io.onboarding.operation.OperationPipelines;
import io.onboarding.operation.OperationRunner;
import io.onboarding.operation.FaultHolds;
import io.onboarding.operation.RequestsFirst;
import io.onboarding.cluster.ClusterDirectory;
import io.onboarding.cluster.ClusterSettings;
import io.onboarding.cluster.PlacementPolicy;
import io.onboarding.secrets.SecretStore;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.micrometer.MicrometerConstants;

/** Tenants: admission (validation, launch), the provisioning steps' beans, and the tenant API. */
public class TenantConfiguration implements CamelConfiguration {

    @BindToRegistry("planCatalog")
    public PlanCatalog planCatalog(CamelContext camel) {
        return PlanCatalog.fromProperties(camel.getPropertiesComponent());
    }

    /**
     * Connection info handed to tenants names the public host and port, by default the cluster's own,
     * and the cluster's TLS mode (PGSSLMODE, libpq's default prefer when unset).
     */
    @BindToRegistry("tenantRepository")
    public TenantRepository tenantRepository(DataSource controlPlane, ClusterDirectory clusters) {
        TenantRepository tenants = new TenantRepository(controlPlane, clusters);
        clusters.requireConfigured(tenants.liveTenantsByCluster());
        return tenants;
    }

    /** The cluster each per-tenant step works on: the one the tenant's row names. */
    @BindToRegistry("tenantClusters")
    public TenantClusters tenantClusters(ClusterDirectory clusters, TenantRepository tenants) {
        return new TenantClusters(clusters, tenants);
    }

    @BindToRegistry("tenantPlacement")
    public TenantPlacement tenantPlacement(ClusterDirectory clusters, PlacementPolicy policy, TenantRepository tenants) {
        return new TenantPlacement(clusters, policy, tenants);
    }

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

    @BindToRegistry("tenantDatabaseProvisioner")
    public TenantDatabaseProvisioner tenantDatabaseProvisioner(TenantClusters clusters, PlanCatalog plans,
            TenantRepository tenants, TenantDatabaseTemplates templates, TenantDatabasePool pool) {
        return new TenantDatabaseProvisioner(clusters, MAINTENANCE_DATABASE, plans, tenants, templates, pool);
    }

    @BindToRegistry("tenantDatabaseTemplates")
    public TenantDatabaseTemplates tenantDatabaseTemplates(TenantSchemaMigrator migrator,
            @PropertyInject(value = "onboarding.tenant-database.template", defaultValue = "true") String template,
            @PropertyInject(value = "onboarding.tenant-database.template-strategy", defaultValue = "FILE_COPY")
            String strategy) {
        return new TenantDatabaseTemplates(MAINTENANCE_DATABASE, migrator, Boolean.parseBoolean(template.trim()),
                strategy.trim());
    }

    /** The warm pool of tenant databases (docs/pool.md): claimed by create-tenant-roles. */
    @BindToRegistry("tenantDatabasePool")
    public TenantDatabasePool tenantDatabasePool(TenantDatabaseTemplates templates, PlanCatalog plans,
            TenantRepository tenants, DataSource controlPlane, FaultHolds holds, ClusterDirectory clusters,
            @BeanInject(MicrometerConstants.METRICS_REGISTRY_NAME) MeterRegistry registry,
            @PropertyInject(value = "onboarding.tenant-database.pool-size", defaultValue = "2") int size) {
        return new TenantDatabasePool(size, templates, plans, tenants, controlPlane, holds, registry,
                clusters.all().stream().map(ClusterSettings::name).toList());
    }

    /**
     * The pool's refill (route refill-tenant-database-pool): it waits while this instance runs operations or
     * answers mutating requests, and while it stops.
     */
    @BindToRegistry("tenantDatabasePoolRefill")
    public TenantDatabasePoolRefill tenantDatabasePoolRefill(TenantDatabasePool pool, ClusterDirectory clusters,
            PlanCatalog plans, TenantDatabaseTemplates templates, OperationRunner runner, RequestsFirst requests) {
        return new TenantDatabasePoolRefill(pool, clusters, plans, templates, MAINTENANCE_DATABASE,
                () -> runner.isStopping() || !runner.idle() || !requests.quiet());
    }

    @BindToRegistry("tenantSteward")
    public TenantSteward tenantSteward(SecretStore secrets, CamelContext camel,
            @PropertyInject(value = "onboarding.tenant-database.steward-statement-timeout", defaultValue = "1h")
            String statementTimeout) throws Exception {
        TenantSteward steward = new TenantSteward(secrets, MAINTENANCE_DATABASE, statementTimeout.trim());
        // Once every route runs (the Vault store is a route) and before the service reports itself ready.
        camel.addStartupListener(new org.apache.camel.StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                steward.preload();
            }
        });
        return steward;
    }

    @BindToRegistry("tenantRoleProvisioner")
    public TenantRoleProvisioner tenantRoleProvisioner(TenantClusters clusters, TenantSteward steward,
            TenantDatabasePool pool) {
        return new TenantRoleProvisioner(clusters, MAINTENANCE_DATABASE, steward, pool);
    }

    @BindToRegistry("tenantSuspension")
    public TenantSuspension tenantSuspension(TenantRepository tenants, TenantDatabaseProvisioner databases,
            TenantRoleProvisioner roles, OperationJournal journal, DataSource controlPlane) {
        return new TenantSuspension(tenants, databases, roles, journal, controlPlane);
    }

    @BindToRegistry("tenantSchemaMigrator")
    public TenantSchemaMigrator tenantSchemaMigrator(TenantClusters clusters,
            @PropertyInject(value = "onboarding.tenant-schema.target", defaultValue = "latest") String target,
            DataSource controlPlane, TenantSteward steward) {
        return new TenantSchemaMigrator(clusters, target, new TenantSchemaVersions(controlPlane), controlPlane,
                steward);
    }

    @BindToRegistry("tenantPrivilegeGranter")
    public TenantPrivilegeGranter tenantPrivilegeGranter(TenantClusters clusters, TenantSteward steward,
            TenantDatabasePool pool) {
        return new TenantPrivilegeGranter(clusters, steward, MAINTENANCE_DATABASE, pool);
    }

    @BindToRegistry("tenantRoleSecrets")
    public TenantRoleSecrets tenantRoleSecrets(SecretStore secrets, ClusterDirectory clusters) {
        return new TenantRoleSecrets(secrets, clusters);
    }
}
