package io.onboarding.tenant;

import io.onboarding.tenant.TenantClusters;

import static io.onboarding.postgres.PostgresCluster.MAINTENANCE_DATABASE;

import io.onboarding.operation.OperationJournal;
import io.onboarding.cluster.ClusterDirectory;
import io.onboarding.secrets.SecretStore;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/** The core of tenants: their records, plans, steward, and the beans of the provisioning steps on PostgreSQL and the secret store. */
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





    /** Clones of the tenant-schema feature's templates ({@code tenantDatabaseTemplates}) when it has them. */
    @BindToRegistry("tenantDatabaseProvisioner")
    public TenantDatabaseProvisioner tenantDatabaseProvisioner(TenantClusters clusters, PlanCatalog plans,
            TenantRepository tenants, DatabaseTemplates templates) {
        return new TenantDatabaseProvisioner(clusters, MAINTENANCE_DATABASE, plans, tenants, templates);
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
    public TenantRoleProvisioner tenantRoleProvisioner(TenantClusters clusters, TenantSteward steward) {
        return new TenantRoleProvisioner(clusters, MAINTENANCE_DATABASE, steward);
    }

    @BindToRegistry("tenantSuspension")
    public TenantSuspension tenantSuspension(TenantRepository tenants, TenantDatabaseProvisioner databases,
            TenantRoleProvisioner roles, OperationJournal journal, DataSource controlPlane) {
        return new TenantSuspension(tenants, databases, roles, journal, controlPlane);
    }

    @BindToRegistry("tenantPrivilegeGranter")
    public TenantPrivilegeGranter tenantPrivilegeGranter(TenantClusters clusters, TenantSteward steward) {
        return new TenantPrivilegeGranter(clusters, steward, MAINTENANCE_DATABASE);
    }

    @BindToRegistry("tenantRoleSecrets")
    public TenantRoleSecrets tenantRoleSecrets(SecretStore secrets, ClusterDirectory clusters) {
        return new TenantRoleSecrets(secrets, clusters);
    }
}
