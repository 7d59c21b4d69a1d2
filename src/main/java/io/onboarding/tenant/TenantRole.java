package io.onboarding.tenant;

import java.util.Arrays;
import java.util.Optional;

/** The four roles every tenant gets, each a NOLOGIN PostgreSQL role of its own per tenant. */
public enum TenantRole {
    TENANT_ADMIN("tenant_admin", "admin"),
    APPLICATION_MANAGER("application_manager", "app_manager"),
    DEVELOPER("developer", "developer"),
    AUDITOR("auditor", "auditor");

    private final String apiName;
    private final String roleSuffix;

    TenantRole(String apiName, String roleSuffix) {
        this.apiName = apiName;
        this.roleSuffix = roleSuffix;
    }

    public String apiName() {
        return apiName;
    }

    String roleSuffix() {
        return roleSuffix;
    }

    public static Optional<TenantRole> fromApiName(String name) {
        return Arrays.stream(values()).filter(role -> role.apiName.equals(name)).findFirst();
    }
}
