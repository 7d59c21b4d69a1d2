package io.onboarding.lifecycle;

import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantRole;

import io.onboarding.tenant.BackupPolicy;
import io.onboarding.tenant.TenantRecord;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** A tenant as {@code GET /api/v1/tenants/{id}} shows it. */
public record TenantView(UUID tenantId, String tenantName, String plan, String region, String cluster, String status,
                         String monitoringLevel, BackupPolicy backupPolicy, Database database, List<Role> roles,
                         List<String> warnings, OffsetDateTime createdAt, OffsetDateTime updatedAt,
                         OffsetDateTime suspendedAt, String suspensionReason, Git git, Cloud cloud,
                         OffsetDateTime destroyedAt, UUID finalBackupId) {

    /**
     * collation: as the plan configured it (en_US.UTF-8); collation_provider: libc or icu, as the cluster had it;
     * sslmode: the TLS mode to connect with (libpq's names), the cluster's PGSSLMODE.
     */
    public record Database(String name, String host, Integer port, int connectionLimit, String encoding,
                           String collation, String collationProvider, String sslmode) {
    }

    public record Role(String role, String name) {
    }

    /** The tenant's Git repository; archived_at once a destroy archived it. */
    public record Git(String repositoryUrl, OffsetDateTime archivedAt) {
    }

    /** Enterprise tenants' cloud resource; resource_id is null until (or unless) one is provisioned. */
    public record Cloud(@JsonInclude(JsonInclude.Include.ALWAYS) String resourceId) {
    }

    public static TenantView of(TenantRecord tenant, Git git, String sslMode) {
        // Awaiting approval, nothing is provisioned: no role exists yet, so none is named (roles[].name is a real role).
        List<Role> roles = "awaiting_approval".equals(tenant.status()) ? List.of() : Arrays.stream(TenantRole.values())
                .map(role -> new Role(role.apiName(), TenantNaming.roleName(tenant.tenantId(), role)))
                .toList();
        return new TenantView(tenant.tenantId(), tenant.tenantName(), tenant.plan(), tenant.region(),
                tenant.cluster(), tenant.status(), tenant.monitoringLevel(), tenant.backupPolicy(),
                new Database(tenant.databaseName(), tenant.databaseHost(), tenant.databasePort(),
                        tenant.connectionLimit(), tenant.encoding(), tenant.collation(), tenant.collationProvider(),
                        sslMode),
                roles, tenant.warnings(), tenant.createdAt(), tenant.updatedAt(), tenant.suspendedAt(),
                tenant.suspensionReason(), git, "enterprise".equals(tenant.plan()) || tenant.cloudResourceId() != null
                        ? new Cloud(tenant.cloudResourceId()) : null, tenant.destroyedAt(), tenant.finalBackupId());
    }
}
