package io.onboarding.access;

import java.util.Locale;
import java.util.Set;

/**
 * What a token may do. {@code admin}: everything. {@code operator}: everything but destroying a
 * tenant, choosing a new tenant's cluster and managing tokens. {@code reader}: reading (GET) only, tokens excepted. Calls are named
 * by their action (the API route's id without {@code api-}: {@code destroy-tenant}).
 */
public enum Scope {
    ADMIN, OPERATOR, READER;

    /** Placing a new tenant on a named cluster ({@code cluster} in the request) rather than by the placement policy. */
    public static final String CHOOSE_CLUSTER = "choose-tenant-cluster";

    /** Actions for admin tokens only. */
    private static final Set<String> ADMIN_ONLY = Set.of("destroy-tenant", "create-token", "list-tokens", "revoke-token",
            CHOOSE_CLUSTER, "issue-invitation-link");

    public boolean permits(String method, String action) {
        return switch (this) {
            case ADMIN -> true;
            case OPERATOR -> !ADMIN_ONLY.contains(action);
            case READER -> ("GET".equals(method) || "HEAD".equals(method)) && !ADMIN_ONLY.contains(action);
        };
    }

    /** As the API writes it: {@code admin}, {@code operator}, {@code reader}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The scope of that wire name, or null. */
    public static Scope fromWire(String name) {
        for (Scope scope : values()) {
            if (scope.wireName().equals(name)) {
                return scope;
            }
        }
        return null;
    }
}
