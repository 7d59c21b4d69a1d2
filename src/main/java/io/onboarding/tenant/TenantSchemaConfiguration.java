package io.onboarding.tenant;

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
}
