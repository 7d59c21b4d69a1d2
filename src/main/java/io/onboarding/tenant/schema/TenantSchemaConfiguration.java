package io.onboarding.tenant.schema;

import static io.onboarding.postgres.PostgresCluster.MAINTENANCE_DATABASE;

import io.onboarding.tenant.TenantClusters;
import io.onboarding.tenant.TenantRepository;
import io.onboarding.tenant.TenantSteward;

import io.onboarding.operation.OperationLauncher;
import io.onboarding.operation.OperationListing;
import io.onboarding.operation.OperationRunner;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;

/** Fleet schema upgrades: the versions across tenants and the {@code schema-rollout} operation. */
public class TenantSchemaConfiguration implements CamelConfiguration {

    @BindToRegistry("tenantSchemaVersions")
    public TenantSchemaVersions tenantSchemaVersions(DataSource controlPlane) {
        return new TenantSchemaVersions(controlPlane);
    }

    @BindToRegistry("tenantSchemaConvergence")
    public TenantSchemaConvergence tenantSchemaConvergence(TenantRepository tenants, TenantSchemaMigrator migrator) {
        return new TenantSchemaConvergence(tenants, migrator);
    }

    @BindToRegistry("tenantSchemaRollout")
    public TenantSchemaRollout tenantSchemaRollout(TenantRepository tenants, TenantSchemaMigrator migrator,
            TenantSchemaVersions versions, OperationRunner runner,
            @PropertyInject("onboarding.tenant-schema.rollout.canaries") int canaries,
            @PropertyInject("onboarding.tenant-schema.rollout.parallelism") int parallelism) {
        return new TenantSchemaRollout(tenants, migrator, versions, canaries, parallelism, runner::isStopping);
    }

    @BindToRegistry("tenantSchemaApi")
    public TenantSchemaApi tenantSchemaApi(TenantSchemaMigrator migrator, TenantSchemaVersions versions,
            OperationLauncher launcher, OperationListing operations) {
        return new TenantSchemaApi(migrator, versions, launcher, operations);
    }

    @BindToRegistry("tenantSchemaMigrator")
    public TenantSchemaMigrator tenantSchemaMigrator(TenantClusters clusters,
            @PropertyInject(value = "onboarding.tenant-schema.target", defaultValue = "latest") String target,
            DataSource controlPlane, TenantSteward steward) {
        return new TenantSchemaMigrator(clusters, target, new TenantSchemaVersions(controlPlane), controlPlane,
                steward);
    }

    /** Databases at the current schema version that new tenant databases are cloned from. */
    @BindToRegistry("tenantDatabaseTemplates")
    public TenantDatabaseTemplates tenantDatabaseTemplates(TenantSchemaMigrator migrator,
            @PropertyInject(value = "onboarding.tenant-database.template", defaultValue = "true") String template,
            @PropertyInject(value = "onboarding.tenant-database.template-strategy", defaultValue = "FILE_COPY")
            String strategy) {
        return new TenantDatabaseTemplates(MAINTENANCE_DATABASE, migrator, Boolean.parseBoolean(template.trim()),
                strategy.trim());
    }
}
