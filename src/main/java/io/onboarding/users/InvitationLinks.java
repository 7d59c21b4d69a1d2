package io.onboarding.users;

import io.onboarding.kit.Refusal;
import io.onboarding.secrets.SecretStore;
import io.onboarding.secrets.SecretStoreUnavailable;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The one-time links mailed to people: what a link is for, and the credentials behind it handed
 * out exactly once ({@code 410} after that, or once it expired). The token itself is the
 * credential; only its hash is stored.
 */
public final class InvitationLinks {

    private final TenantRepository tenants;
    private final TenantUserRepository users;
    private final SecretStore secrets;

    public InvitationLinks(TenantRepository tenants, TenantUserRepository users, SecretStore secrets) {
        this.tenants = tenants;
        this.users = users;
        this.secrets = secrets;
    }

    /** What a one-time link is for, without the credentials. */
    public Map<String, Object> describe(String token) {
        TenantUserRepository.Invitation invitation = usableInvitation(token);
        TenantUser user = users.findById(invitation.userId()).orElseThrow();
        TenantRecord tenant = tenants.load(user.tenantId());
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("tenant_name", tenant.tenantName());
        info.put("email", user.email());
        info.put("role", user.role());
        info.put("purpose", invitation.purpose());
        info.put("expires_at", invitation.expiresAt());
        return info;
    }

    /** What accepting a link hands out ({@code reply}), and for which tenant (the audit log's). */
    public record Accepted(UUID tenantId, Map<String, Object> reply) {
    }

    /** Hands out the credentials behind a one-time link, exactly once. */
    public Accepted accept(String token) {
        TenantUserRepository.Invitation invitation = usableInvitation(token);
        TenantUser user = users.findById(invitation.userId()).orElseThrow();
        TenantRecord tenant = tenants.load(user.tenantId());
        Map<String, String> stored;
        try {
            stored = secrets.get(UserCredentials.path(user)).orElseThrow(() ->
                    new Refusal(Refusal.Kind.GONE, "gone", "the credentials behind this link no longer exist"));
        } catch (SecretStoreUnavailable e) {
            throw UserInvitations.unavailableIfSecretStore(e);
        }
        if (!users.consumeInvitation(invitation.tokenHash())) {
            throw new Refusal(Refusal.Kind.GONE, "gone", "this link has already been used");
        }
        users.activate(user.userId());
        Map<String, Object> database = new LinkedHashMap<>();
        database.put("host", tenant.databaseHost());
        database.put("port", tenant.databasePort());
        database.put("name", tenant.databaseName());
        database.put("sslmode", tenants.sslMode(tenant));
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("database", database);
        // Secrets written by an earlier release used username/password.
        response.put("username", stored.getOrDefault("database_user", stored.get("username")));
        response.put("password", stored.getOrDefault("database_password", stored.get("password")));
        return new Accepted(tenant.tenantId(), response);
    }

    private TenantUserRepository.Invitation usableInvitation(String token) {
        TenantUserRepository.Invitation invitation = users.findInvitation(Credentials.hash(token))
                .orElseThrow(() -> Refusal.notFound("invitation"));
        if (invitation.acceptedAt() != null) {
            throw new Refusal(Refusal.Kind.GONE, "gone", "this link has already been used");
        }
        if (!invitation.expiresAt().isAfter(OffsetDateTime.now())) {
            throw new Refusal(Refusal.Kind.GONE, "gone", "this link has expired");
        }
        return invitation;
    }
}
