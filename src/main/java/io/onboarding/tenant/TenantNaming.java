package io.onboarding.tenant;

import java.util.UUID;

/**
 * Names of a tenant's PostgreSQL objects, derived from the full tenant id: 32 hex digits, so two
 * tenants never share a name (an 8-character prefix collides at scale) and names stay within
 * PostgreSQL's 63-byte identifier limit.
 */
public final class TenantNaming {

    private TenantNaming() {
    }

    public static String databaseName(UUID tenantId) {
        return "tenant_" + hex(tenantId);
    }

    public static String roleName(UUID tenantId, TenantRole role) {
        return "tenant_" + hex(tenantId) + "_" + role.roleSuffix();
    }

    /** The platform's LOGIN inside the tenant's database: a member of its admin role ({@link TenantSteward}). */
    public static String stewardName(UUID tenantId) {
        return "tenant_" + hex(tenantId) + "_steward";
    }

    /** The LOGIN role of one invited user of the tenant. */
    public static String userRoleName(UUID tenantId, UUID userId) {
        return "tenant_" + hex(tenantId) + "_u_" + hex(userId).substring(0, 16);
    }

    /**
     * Written as the COMMENT of every database and role made for a tenant: how the service tells its
     * own objects from look-alikes it must never adopt or drop.
     */
    public static String ownerMarker(UUID tenantId) {
        return MARKER_PREFIX + tenantId;
    }

    private static final String MARKER_PREFIX = "tenant-onboarding tenant ";

    /** The tenant an owner marker names, or empty for any other comment (someone else's object). */
    public static java.util.Optional<UUID> markedTenant(String comment) {
        if (comment == null || !comment.startsWith(MARKER_PREFIX)) {
            return java.util.Optional.empty();
        }
        try {
            UUID tenantId = UUID.fromString(comment.substring(MARKER_PREFIX.length()));
            return comment.equals(ownerMarker(tenantId)) ? java.util.Optional.of(tenantId) : java.util.Optional.empty();
        } catch (IllegalArgumentException notAnId) {
            return java.util.Optional.empty();
        }
    }

    private static String hex(UUID tenantId) {
        return tenantId.toString().replace("-", "");
    }
}
