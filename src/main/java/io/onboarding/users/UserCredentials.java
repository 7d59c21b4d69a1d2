package io.onboarding.users;

import io.onboarding.operation.StepContext;
import io.onboarding.secrets.SecretStore;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * A user's credentials in the secret store, at {@code tenant-users/{tenant_id}/{database_user}}: the
 * design's fields (database_user, database_password, tenant_id, email, role, created_at) and where and
 * how to connect. An invitation's first part (steps {@code store-user-credential}, and inside
 * {@code invite-tenant-admin}): the password is born here, so it never travels through the journal;
 * the login role is then made from what is stored.
 */
public final class UserCredentials {

    private final SecretStore secrets;
    private final TenantRepository tenants;

    public UserCredentials(SecretStore secrets, TenantRepository tenants) {
        this.secrets = secrets;
        this.tenants = tenants;
    }

    /**
     * Step: a new password stored for the invitee; one stored by an earlier run of the step is kept
     * (a step runs once at a time, under its operation's lock, so reading first is enough; both calls
     * are retried on a Vault hiccup, which a check-and-set write is not).
     */
    public void store(StepContext context) {
        Invitee invitee = Invitee.require(context);
        String path = path(invitee.tenantId(), invitee.login());
        if (secrets.get(path).isEmpty()) {
            secrets.put(path, fields(context.subject(TenantRecord.class), invitee.asUser("invited"), Credentials.password()));
        }
    }

    /** Undo of {@link #store}: every version deleted. */
    public void delete(StepContext context) {
        Invitee invitee = Invitee.require(context);
        secrets.delete(path(invitee.tenantId(), invitee.login()));
    }

    /** The stored password of the invitee (the login role is made with it). */
    String password(Invitee invitee) {
        return secrets.get(path(invitee.tenantId(), invitee.login())).map(stored -> stored.get("database_password"))
                .orElseThrow(() -> new IllegalStateException("no stored credential for user " + invitee.userId()));
    }

    /** A new password for the user, stored; returns what was stored before (to put back), if anything. */
    Map<String, String> replace(TenantRecord tenant, TenantUser user, String password) {
        Map<String, String> previous = secrets.get(path(user)).orElse(null);
        secrets.put(path(user), fields(tenant, user, password));
        return previous;
    }

    void restore(TenantUser user, Map<String, String> previous) {
        secrets.put(path(user), previous);
    }

    java.util.Optional<Map<String, String>> of(TenantUser user) {
        return secrets.get(path(user));
    }

    void deleteOf(TenantUser user) {
        secrets.delete(path(user));
    }

    /** A move's switch (and its undo): the stored credentials name where the tenant's database is now. */
    void pointAt(TenantRecord tenant, TenantUser user) {
        secrets.get(path(user)).ifPresent(stored -> {
            Map<String, String> moved = new HashMap<>(stored);
            moved.put("host", String.valueOf(tenant.databaseHost()));
            moved.put("port", String.valueOf(tenant.databasePort()));
            moved.put("sslmode", tenants.sslMode(tenant));
            secrets.put(path(user), moved);
        });
    }

    static String path(TenantUser user) {
        return path(user.tenantId(), user.databaseUser());
    }

    private static String path(java.util.UUID tenantId, String login) {
        return "tenant-users/" + tenantId + "/" + login;
    }

    private Map<String, String> fields(TenantRecord tenant, TenantUser user, String password) {
        return Map.of("database_user", user.databaseUser(), "database_password", password,
                "tenant_id", tenant.tenantId().toString(), "email", user.email(), "role", user.role(),
                "created_at", OffsetDateTime.now(ZoneOffset.UTC).toString(), "database", tenant.databaseName(),
                "host", String.valueOf(tenant.databaseHost()), "port", String.valueOf(tenant.databasePort()),
                "sslmode", tenants.sslMode(tenant));
    }
}
