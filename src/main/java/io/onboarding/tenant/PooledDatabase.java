package io.onboarding.tenant;

import java.util.UUID;

/**
 * One database of the warm pool ({@link TenantDatabasePool}) by the names it has while pooled:
 * {@code onboarding_pool_<32 hex>} and its four roles {@code onboarding_pool_<32 hex>_admin} etc. No tenant
 * pattern ({@code tenant_%}, the owner marker {@code tenant-onboarding tenant …}) matches them, so listings,
 * metrics and reconciliation never see them. Each carries a comment starting with {@value #MARKER}.
 */
record PooledDatabase(String name) {

    static final String PREFIX = "onboarding_pool_";
    /** Every pool object's comment starts so; the rest says what it is. */
    static final String MARKER = "onboarding: tenant database pool";
    /** A pool database not ready yet (or left so by a crash): never claimed, dropped by the next refill. */
    static final String BEING_MADE = MARKER + ", being made";

    static PooledDatabase fresh() {
        return new PooledDatabase(PREFIX + UUID.randomUUID().toString().replace("-", ""));
    }

    String roleName(TenantRole role) {
        return name + "_" + role.roleSuffix();
    }

    /** The comment of a pool database ready to be claimed, cloned from {@code template}. */
    static String readyMarker(String template) {
        return MARKER + ", ready, from " + template;
    }

    /** The comment of each of its roles: which pool database they belong to. */
    String roleMarker() {
        return MARKER + ", role of " + name;
    }
}
