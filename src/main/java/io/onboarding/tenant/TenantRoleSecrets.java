package io.onboarding.tenant;

import io.onboarding.secrets.SecretStore;
import java.util.Map;
import java.util.UUID;

/**
 * Keeps each tenant role's connection facts at {@code tenant-roles/{tenant_id}/{role}}, where tools
 * that read the secret store (and Vault policies) find them. The roles are NOLOGIN: no password.
 */
public final class TenantRoleSecrets {

    private final SecretStore secrets;
    private final String host;
    private final int port;

    public TenantRoleSecrets(SecretStore secrets, String host, int port) {
        this.secrets = secrets;
        this.host = host;
        this.port = port;
    }

    public void store(TenantRecord tenant) {
        for (TenantRole role : TenantRole.values()) {
            secrets.put(path(tenant.tenantId(), role), Map.of(
                    "role", role.apiName(),
                    "name", TenantNaming.roleName(tenant.tenantId(), role),
                    "database", tenant.databaseName(),
                    "host", host,
                    "port", Integer.toString(port),
                    "login", "false"));
        }
    }

    /** Compensation: every version of every role secret of the tenant removed. */
    public void delete(UUID tenantId) {
        for (TenantRole role : TenantRole.values()) {
            secrets.delete(path(tenantId, role));
        }
    }

    private static String path(UUID tenantId, TenantRole role) {
        return "tenant-roles/" + tenantId + "/" + role.apiName();
    }
}
