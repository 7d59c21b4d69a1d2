package io.onboarding.tenant;

import io.onboarding.cluster.ClusterDirectory;
import io.onboarding.secrets.SecretStore;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

/**
 * Keeps each tenant role's connection facts at {@code tenant-roles/{tenant_id}/{role}}, where tools
 * that read the secret store (and Vault policies) find them. The roles are NOLOGIN: no password.
 */
public final class TenantRoleSecrets {

    private final SecretStore secrets;
    private final ClusterDirectory clusters;

    /** Where to connect is the tenant's cluster's public endpoint. */
    public TenantRoleSecrets(SecretStore secrets, ClusterDirectory clusters) {
        this.secrets = secrets;
        this.clusters = clusters;
    }

    /** What each role is for, as the design describes it (also in its secret). */
    private static final Map<TenantRole, String> DESCRIPTIONS = Map.of(
            TenantRole.TENANT_ADMIN, "owns the tenant's schema and every object in it",
            TenantRole.APPLICATION_MANAGER, "reads and writes applications, resources and deployments",
            TenantRole.DEVELOPER, "reads applications, resources and deployments; records user activity",
            TenantRole.AUDITOR, "reads everything, changes nothing");

    /** The design's fields (tenant_id, database, role, description, created_at) and where to connect. */
    public void store(TenantRecord tenant) {
        String createdAt = OffsetDateTime.now(ZoneOffset.UTC).toString();
        ClusterDirectory.Endpoint endpoint = clusters.endpoint(tenant.cluster());
        for (TenantRole role : TenantRole.values()) {
            secrets.put(path(tenant.tenantId(), role), Map.of(
                    "tenant_id", tenant.tenantId().toString(),
                    "database", tenant.databaseName(),
                    "role", role.apiName(),
                    "description", DESCRIPTIONS.get(role),
                    "created_at", createdAt,
                    "name", TenantNaming.roleName(tenant.tenantId(), role),
                    "host", endpoint.host(),
                    "port", Integer.toString(endpoint.port()),
                    "sslmode", endpoint.sslMode(),
                    "login", "false"));
        }
    }

    /** Compensation: every version of every role secret of the tenant removed. */
    public void delete(UUID tenantId) {
        for (TenantRole role : TenantRole.values()) {
            secrets.delete(path(tenantId, role));
        }
    }

    /** Where a tenant role's connection facts are kept in the secret store. */
    public static String path(UUID tenantId, TenantRole role) {
        return "tenant-roles/" + tenantId + "/" + role.apiName();
    }
}
