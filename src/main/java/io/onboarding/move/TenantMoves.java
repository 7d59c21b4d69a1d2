package io.onboarding.move;

import io.onboarding.cluster.ClusterDirectory;
import io.onboarding.cluster.ClusterSettings;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.kit.Refusal;
import io.onboarding.kit.RequestSchemas;
import io.onboarding.backup.BackupDumps;
import io.onboarding.monitoring.TenantMonitoring;
import io.onboarding.operation.OperationLauncher;
import io.onboarding.operation.StepContext;
import io.onboarding.tenant.TenantDatabaseProvisioner;
import io.onboarding.cluster.TenantPlacement;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;
import io.onboarding.tenant.TenantRoleProvisioner;
import io.onboarding.tenant.TenantRoleSecrets;
import io.onboarding.users.UserInvitations;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /api/v1/tenants/{id}/move}: the checks, then the steps of the {@code move} operation
 * (routes/clusters.yaml), each with its undo. The tenant keeps working on its source until the switch;
 * a failure before or at the switch is undone back to the source; the source copy is removed last.
 */
public final class TenantMoves {

    public static final String TYPE = "move";

    private final ClusterDirectory clusters;
    private final TenantRepository tenants;
    private final TenantPlacement placement;
    private final OperationLauncher launcher;
    private final TenantRoleProvisioner roles;
    private final TenantDatabaseProvisioner databases;
    private final BackupDumps dumps;
    private final TenantRoleSecrets roleSecrets;
    private final UserInvitations users;
    private final TenantMonitoring monitoring;

    public TenantMoves(ClusterDirectory clusters, TenantRepository tenants, TenantPlacement placement,
                       OperationLauncher launcher, TenantRoleProvisioner roles, TenantDatabaseProvisioner databases,
                       BackupDumps dumps, TenantRoleSecrets roleSecrets, UserInvitations users,
                       TenantMonitoring monitoring) {
        this.clusters = clusters;
        this.tenants = tenants;
        this.placement = placement;
        this.launcher = launcher;
        this.roles = roles;
        this.databases = databases;
        this.dumps = dumps;
        this.roleSecrets = roleSecrets;
        this.users = users;
        this.monitoring = monitoring;
    }

    /** An active tenant, a configured open cluster of its region with room, other than its own: else 400/409, nothing started. */
    public UUID launch(UUID tenantId, JsonNode body) {
        TenantRecord tenant = tenants.requireActive(tenantId);
        if (body == null || !body.isObject()) {
            throw Refusal.validation("body", "must be a JSON object");
        }
        RequestSchemas.check("MoveTenantRequest", body);
        String name = body.path("cluster").asText();
        ClusterSettings target = clusters.find(name).orElseThrow(() ->
                Refusal.validation("cluster", "is not a configured cluster (GET /api/v1/clusters lists them)"));
        if (!target.serves(tenant.region())) {
            throw Refusal.validation("cluster", "serves region " + target.region() + ", not the tenant's "
                    + tenant.region());
        }
        if (target.name().equals(tenant.cluster())) {
            throw Refusal.conflict("tenant " + tenantId + " is on cluster " + name + " already", "cluster");
        }
        placement.requireRoom(target);
        return launcher.launch(TYPE, tenantId, Map.of("source", tenant.cluster(), "target", target.name()));
    }

    /** Step {@code copy-tenant-roles}: the four group roles and every user's login, same password, on the target. */
    public void copyRoles(StepContext context) throws Exception {
        roles.create(target(context));
        roles.copyLogins(source(context), target(context));
    }

    public void removeTargetRoles(StepContext context) throws Exception {
        roles.dropAllOn(target(context));
    }

    /** Step {@code close-source-logins}: no writes on the source while it is copied (sessions ended). */
    public void closeSourceLogins(StepContext context) throws Exception {
        roles.setUserLogins(context.tenantId(), false);
    }

    public void reopenSourceLogins(StepContext context) throws Exception {
        roles.setUserLogins(context.tenantId(), true);
    }

    /** Step {@code copy-tenant-database}: pg_dump of the source piped into pg_restore on the target. */
    public void copyDatabase(StepContext context) throws Exception {
        dumps.copy(source(context), target(context), context.tenant().databaseName());
    }

    public void removeTargetDatabase(StepContext context) throws Exception {
        databases.dropNamedOn(target(context), context.tenant().databaseName());
    }

    /** Step {@code switch-tenant-cluster}: the tenant's row, role secrets, users' credentials and scrape target name the target. */
    public void switchOver(StepContext context) throws Exception {
        pointAt(context.tenantId(), context.parameter("target"));
    }

    public void switchBack(StepContext context) throws Exception {
        pointAt(context.tenantId(), context.parameter("source"));
    }

    /**
     * Step {@code remove-source-copy}: every database of the tenant's and its roles dropped from the source;
     * the move is done, so a {@value ClusterDrain#WARNING} warning of an earlier failed drain move goes.
     */
    public void removeSource(StepContext context) throws Exception {
        databases.dropAllOn(source(context));
        roles.dropAllOn(source(context));
        tenants.clearWarning(context.tenantId(), ClusterDrain.WARNING);
    }

    private void pointAt(UUID tenantId, String cluster) throws Exception {
        tenants.placedOn(tenantId, cluster);
        TenantRecord moved = tenants.load(tenantId);
        roleSecrets.store(moved);
        users.pointCredentialsAt(moved);
        monitoring.configure(moved);
    }

    private static TenantRecord source(StepContext context) {
        return context.tenant().onCluster(context.parameter("source"));
    }

    private static TenantRecord target(StepContext context) {
        return context.tenant().onCluster(context.parameter("target"));
    }
}
