package io.onboarding.move;

import io.onboarding.backup.BackupDumps;
import io.onboarding.cluster.ClusterDirectory;
import io.onboarding.cluster.TenantPlacement;
import io.onboarding.monitoring.TenantMonitoring;
import io.onboarding.operation.OperationJournal;
import io.onboarding.operation.OperationLauncher;
import io.onboarding.postgres.InstanceLock;
import io.onboarding.tenant.TenantDatabaseProvisioner;
import io.onboarding.tenant.TenantRepository;
import io.onboarding.tenant.TenantRoleProvisioner;
import io.onboarding.tenant.TenantRoleSecrets;
import io.onboarding.users.UserInvitations;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;

/** Tenants moving between clusters: one tenant's move, a cluster's drain, and {@code /api/v1/clusters}. */
public class MoveConfiguration implements CamelConfiguration {

    @BindToRegistry("tenantMoves")
    public TenantMoves tenantMoves(ClusterDirectory clusters, TenantRepository tenants, TenantPlacement placement,
            OperationLauncher launcher, TenantRoleProvisioner roles, TenantDatabaseProvisioner databases,
            BackupDumps dumps, TenantRoleSecrets roleSecrets, UserInvitations users, TenantMonitoring monitoring) {
        return new TenantMoves(clusters, tenants, placement, launcher, roles, databases, dumps, roleSecrets, users,
                monitoring);
    }

    @BindToRegistry("clusterDrain")
    public ClusterDrain clusterDrain(ClusterDirectory clusters, TenantRepository tenants, TenantPlacement placement,
            TenantMoves moves, OperationJournal journal, DataSource controlPlane) {
        return new ClusterDrain(clusters, tenants, placement, moves, journal,
                new InstanceLock(controlPlane, ClusterDrain.LOCK_KEY));
    }

    @BindToRegistry("clusterApi")
    public ClusterApi clusterApi(ClusterDirectory clusters, TenantRepository tenants, TenantMoves moves) {
        return new ClusterApi(clusters, tenants::liveTenantsByCluster, moves);
    }
}
