package io.onboarding.access;

import java.util.Set;

/** Who makes an API call: the token's name (as the audit log shows it) and its scopes. */
public record Caller(String tokenName, Set<Scope> scopes) {

    public boolean permits(String method, String action) {
        return scopes.stream().anyMatch(scope -> scope.permits(method, action));
    }
}
