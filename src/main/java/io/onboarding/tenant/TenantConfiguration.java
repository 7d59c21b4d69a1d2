package io.onboarding.tenant;

import static io.onboarding.platform.PostgresCluster.MAINTENANCE_DATABASE;

import io.onboarding.backup.BackupLimits;
import io.onboarding.git.GitRepositoryRecords;
import io.onboarding.identity.AuthProviderSettings;
import io.onboarding.operation.OperationJournal;
import io.onboarding.operation.OperationLauncher;
import io.onboarding.operation.OperationPipelines;
import io.onboarding.operation.OperationRunner;
import io.onboarding.platform.PostgresCluster;
import io.onboarding.secrets.SecretStore;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

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
    public TenantRepository tenantRepository(DataSource controlPlane, PostgresCluster cluster,
            @PropertyInject("onboarding.tenant-database.public-host") String publicHost,
            @PropertyInject("onboarding.tenant-database.public-port") String publicPort) {
        return new TenantRepository(controlPlane, publicHost == null || publicHost.isEmpty() ? cluster.host() : publicHost,
                publicPort == null || publicPort.isEmpty() ? cluster.port() : Integer.parseInt(publicPort),
                cluster.tls().effectiveMode());
    }

    @BindToRegistry("tenantOnboarding")
    public TenantOnboarding tenantOnboarding(DataSource controlPlane, TenantRepository tenants,
            OperationJournal journal, OperationPipelines pipelines, OperationRunner runner, PlanCatalog catalog,
            AuthProviderSettings authProviders) {
        return new TenantOnboarding(controlPlane, tenants, journal, pipelines, runner, catalog, authProviders);
    }

    @BindToRegistry("tenantRequestValidator")
    public TenantRequestValidator tenantRequestValidator(PlanCatalog catalog, BackupLimits backupLimits) {
        return new TenantRequestValidator(catalog, backupLimits);
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
    public TenantDatabaseProvisioner tenantDatabaseProvisioner(PostgresCluster cluster, PlanCatalog plans,
            TenantRepository tenants, TenantSchemaMigrator migrator,
            @PropertyInject(value = "onboarding.tenant-database.template", defaultValue = "true") String template,
            @PropertyInject(value = "onboarding.tenant-database.template-strategy", defaultValue = "FILE_COPY")
            String strategy) {
        return new TenantDatabaseProvisioner(cluster, MAINTENANCE_DATABASE, plans, tenants,
                new TenantDatabaseTemplates(cluster, MAINTENANCE_DATABASE, migrator,
                Boolean.parseBoolean(template.trim()), strategy.trim()));
    }

    @BindToRegistry("tenantRoleProvisioner")
    public TenantRoleProvisioner tenantRoleProvisioner(PostgresCluster cluster) {
        return new TenantRoleProvisioner(cluster, MAINTENANCE_DATABASE);
    }

    @BindToRegistry("tenantSuspension")
    public TenantSuspension tenantSuspension(TenantRepository tenants, TenantDatabaseProvisioner databases,
            TenantRoleProvisioner roles, OperationJournal journal, DataSource controlPlane) {
        return new TenantSuspension(tenants, databases, roles, journal, controlPlane);
    }

    @BindToRegistry("tenantSchemaMigrator")
    public TenantSchemaMigrator tenantSchemaMigrator(PostgresCluster cluster,
            @PropertyInject(value = "onboarding.tenant-schema.target", defaultValue = "latest") String target,
            DataSource controlPlane) {
        return new TenantSchemaMigrator(cluster, target, new TenantSchemaVersions(controlPlane), controlPlane);
    }

    @BindToRegistry("tenantPrivilegeGranter")
    public TenantPrivilegeGranter tenantPrivilegeGranter(PostgresCluster cluster) {
        return new TenantPrivilegeGranter(cluster);
    }

    @BindToRegistry("tenantRoleSecrets")
    public TenantRoleSecrets tenantRoleSecrets(SecretStore secrets, TenantRepository tenants) {
        return new TenantRoleSecrets(secrets, tenants.publicHost(), tenants.publicPort(), tenants.sslMode());
    }
}
