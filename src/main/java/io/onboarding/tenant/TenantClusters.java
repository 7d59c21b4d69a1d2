package io.onboarding.tenant;

import io.onboarding.cluster.ClusterDirectory;

import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;

import io.onboarding.postgres.PostgresCluster;
import java.util.UUID;

/**
 * The PostgreSQL cluster a tenant's database, roles and users are on: the one its row names. With a
 * single cluster (no clusters file) that is the only one, and no look-up is made.
 */
public final class TenantClusters {

    private final ClusterDirectory clusters;
    private final TenantRepository tenants;

    public TenantClusters(ClusterDirectory clusters, TenantRepository tenants) {
        this.clusters = clusters;
        this.tenants = tenants;
    }

    public PostgresCluster of(TenantRecord tenant) {
        return clusters.connection(tenant.cluster());
    }

    public PostgresCluster of(UUID tenantId) {
        return clusters.connection(clusters.single() ? ClusterDirectory.DEFAULT : tenants.clusterOf(tenantId));
    }

    public PostgresCluster named(String cluster) {
        return clusters.connection(cluster);
    }

    public ClusterDirectory directory() {
        return clusters;
    }
}
