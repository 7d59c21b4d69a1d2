package io.onboarding.users;

import io.onboarding.kit.Refusal;
import io.onboarding.events.TenantEvents;
import io.onboarding.operation.FaultHolds;
import io.onboarding.operation.OperationLauncher;
import io.onboarding.operation.StepContext;
import io.onboarding.operation.StepOutcome;
import io.onboarding.secrets.SecretStoreUnavailable;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;
import io.onboarding.tenant.TenantRoleProvisioner;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Letting people into a tenant. An invitation is an operation of the engine ({@code invite-user},
 * routes/users.yaml) made of four parts, each a step with its undo: the credential
 * ({@link UserCredentials}), the login role ({@link UserLogins}), the mail ({@link InvitationMail})
 * and the record ({@link InvitedUsers}). The REST call runs it and answers with its outcome; a crash
 * in the middle is the engine's to resume or undo. Provisioning's {@code invite-tenant-admin} is
 * made of the same four parts. Rotation, removal and operator links are here too.
 */
public final class UserInvitations {

    /** The operation type of an invitation. */
    public static final String TYPE = "invite-user";
    /** {@code invited_by} of the admin that provisioning invites. */
    static final String PROVISIONING = "tenant-onboarding";
    /**
     * The fault tests' hold point inside {@code invite-tenant-admin} (docs/faults.md): credential and
     * login role made, mail and record not.
     */
    public static final String ADMIN_HOLD_POINT = "invite-tenant-admin/login-made";

    private static final Logger LOG = LoggerFactory.getLogger(UserInvitations.class);

    private final TenantRepository tenants;
    private final TenantUserRepository users;
    private final TenantRoleProvisioner roles;
    private final UserCredentials credentials;
    private final UserLogins logins;
    private final InvitationMail mail;
    private final InvitedUsers records;
    private final InvitationOutbox outbox;
    private final TransactionTemplate transaction;
    private final InvitationTexts texts;
    private final Duration linkLifetime;
    private final TenantEvents events;
    private final OperationLauncher launcher;
    private final Duration waitForTenant;
    private final FaultHolds holds;

    /** The parts of an invitation, as {@link UsersConfiguration} binds them. */
    record Parts(UserCredentials credentials, UserLogins logins, InvitationMail mail, InvitedUsers records) {
    }

    UserInvitations(DataSource dataSource, TenantRepository tenants, TenantUserRepository users,
                    TenantRoleProvisioner roles, Parts parts, InvitationOutbox outbox, InvitationTexts texts,
                    Duration linkLifetime, TenantEvents events, OperationLauncher launcher, Duration waitForTenant,
                    FaultHolds holds) {
        this.tenants = tenants;
        this.users = users;
        this.roles = roles;
        this.credentials = parts.credentials();
        this.logins = parts.logins();
        this.mail = parts.mail();
        this.records = parts.records();
        this.outbox = outbox;
        this.transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.texts = texts;
        this.linkLifetime = linkLifetime;
        this.events = events;
        this.launcher = launcher;
        this.waitForTenant = waitForTenant;
        this.holds = holds;
    }

    /** How an invitation asked for over REST came out: recorded, or still running (handed to the next start). */
    public record Invited(UUID operationId, UUID tenantId, UUID userId, Optional<TenantUser> user) {
    }

    /**
     * {@code POST /api/v1/tenants/{id}/users}: the {@code invite-user} operation, run on this thread.
     * A tenant running another operation is waited for (at most
     * {@code onboarding.users.wait-for-tenant-seconds}, then 409 naming it). A failed invitation is
     * undone by the engine: a secret store outage answers 503 {@code secret_store_unavailable}, an email
     * taken meanwhile 409, anything else 500 naming the operation.
     */
    public Invited invite(UUID tenantId, InviteRequest request) {
        requireInvitable(tenantId, request);
        UUID userId = UUID.randomUUID();
        OperationLauncher.Ran ran = launcher.runHere(TYPE, tenantId, Invitee.parameters(userId, request),
                () -> requireInvitable(tenantId, request), waitForTenant);
        if (ran.failure() != null) {
            throw refusal(ran);
        }
        return new Invited(ran.operationId(), tenantId, userId, users.findById(userId));
    }

    /** An active tenant, the address not one of its users'; checked again when the operation starts. */
    private void requireInvitable(UUID tenantId, InviteRequest request) {
        tenants.requireActive(tenantId);
        if (users.findByEmail(tenantId, request.email()).isPresent()) {
            throw Refusal.conflict(request.email() + " is already a user of this tenant", "email");
        }
    }

    /** What the REST call answers for an invitation that failed (and is, or is being, undone). */
    private static RuntimeException refusal(OperationLauncher.Ran ran) {
        for (Throwable cause = ran.failure(); cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof Refusal api) {
                return api;
            }
            if (cause instanceof SecretStoreUnavailable) {
                return Refusal.secretStoreUnavailable();
            }
        }
        return new Refusal(Refusal.Kind.INTERNAL, "invitation_failed", "the invitation failed and what it made is undone: "
                + ran.reason(), List.of(new Refusal.FieldError("operation_id", "failed: " + ran.reason(),
                ran.operationId())));
    }

    /**
     * Provisioning step {@code invite-tenant-admin}: the tenant's {@code admin_email}, if any, invited
     * as tenant_admin, by the same four parts as an {@code invite-user} operation, in the same order;
     * each keeps what an earlier run of the step made, so a resumed step makes one admin, never two.
     */
    public StepOutcome inviteTenantAdmin(StepContext context) throws SQLException {
        Optional<Invitee> admin = Invitee.of(context);
        if (admin.isEmpty()) {
            return StepOutcome.skipped("no admin_email");
        }
        if (users.findByEmail(context.subjectId(), admin.get().email())
                .filter(earlier -> !earlier.userId().equals(admin.get().userId())).isPresent()) {
            return StepOutcome.done(); // invited by a run of this step under an earlier release
        }
        credentials.store(context);
        logins.create(context);
        holds.at(context.subjectId(), ADMIN_HOLD_POINT, FaultHolds.Phase.AFTER);
        mail.prepare(context);
        records.record(context);
        return StepOutcome.done();
    }

    /** Undo of {@link #inviteTenantAdmin}: each part's undo, newest first, as the engine undoes steps. */
    public void removeTenantAdmin(StepContext context) throws SQLException {
        if (Invitee.of(context).isEmpty()) {
            return;
        }
        records.forget(context);
        mail.discard(context);
        logins.drop(context);
        credentials.delete(context);
    }

    /** Ends the user's sessions, drops the login role, deletes the credentials. */
    public void remove(UUID tenantId, UUID userId) {
        TenantUser user = users.find(tenantId, userId).orElseThrow(() -> Refusal.notFound("user " + userId));
        TenantRecord tenant = tenants.load(tenantId);
        sql(() -> roles.dropLogin(tenantId, tenant.databaseName(), user.databaseUser()));
        try {
            credentials.deleteOf(user);
        } catch (RuntimeException e) {
            throw unavailableIfSecretStore(e);
        }
        users.markRemoved(userId);
        LOG.info("Removed user {} from tenant {}", userId, tenantId);
        events.publish("user.removed", tenantId, Map.of("user_id", userId));
    }

    /**
     * Destroy: every user of the tenant removed (sessions, login role, credentials). No invitation runs
     * meanwhile: it is an operation of the tenant, and a tenant runs one at a time.
     */
    public void removeAll(UUID tenantId) {
        for (TenantUser user : users.list(tenantId)) {
            remove(tenantId, user.userId());
        }
    }

    /** A new password (the old one stops working at once), collected through a new one-time link. */
    public TenantUser rotate(UUID tenantId, UUID userId) {
        TenantUser user = users.find(tenantId, userId).orElseThrow(() -> Refusal.notFound("user " + userId));
        TenantRecord tenant = tenants.load(tenantId);
        String password = Credentials.password();
        Map<String, String> previous;
        try {
            previous = credentials.replace(tenant, user, password);
        } catch (RuntimeException e) {
            throw unavailableIfSecretStore(e);
        }
        try {
            sql(() -> roles.changePassword(tenantId, user.databaseUser(), password));
        } catch (RuntimeException e) {
            if (previous != null) { // the store must keep the password PostgreSQL still has
                credentials.restore(user, previous);
            }
            throw e;
        }
        String token = Credentials.token();
        OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plus(linkLifetime);
        UUID message = outbox.prepare(user.email(), "New credentials for " + tenant.tenantName(),
                texts.rotation(tenant, token, expires));
        transaction.executeWithoutResult(status -> {
            users.expireOpenLinks(userId);
            users.insertInvitation(Credentials.hash(token), userId, "rotation", expires);
            users.credentialsRotated(userId);
            outbox.enqueue(message, user.email());
        });
        outbox.kick();
        LOG.info("Rotated the credentials of user {} of tenant {}", userId, tenantId);
        return users.findById(userId).orElseThrow();
    }

    /** A one-time link handed to an operator instead of a mail: the link, when it expires, whose it is. */
    public record IssuedLink(TenantUser user, String url, OffsetDateTime expiresAt) {
    }

    /**
     * {@code POST /api/v1/tenants/{id}/users/{user_id}/invitation-link} (admin only, audited): a new
     * one-time link for a user who has not collected their credentials yet, for when no mail can
     * reach them (no SMTP_HOST). The links made before stop working, the mailed one included; the
     * credentials stay behind the link (exactly once, as ever): no password is in the answer.
     */
    public IssuedLink issueLink(UUID tenantId, UUID userId) {
        tenants.require(tenantId);
        TenantUser user = users.find(tenantId, userId).orElseThrow(() -> Refusal.notFound("user " + userId));
        if (!"invited".equals(user.status())) {
            throw Refusal.conflict("user " + userId + " is " + user.status() + ": only a user who has not"
                    + " collected their credentials yet gets a new invitation link (rotate-credentials gives an"
                    + " active user a new password and link)", "user_id");
        }
        String token = Credentials.token();
        OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plus(linkLifetime);
        transaction.executeWithoutResult(status -> {
            users.expireOpenLinks(userId);
            users.insertInvitation(Credentials.hash(token), userId, "invitation", expires);
        });
        LOG.info("Issued a new invitation link to an operator for user {} of tenant {}", userId, tenantId);
        events.publish("user.invitation_link_issued", tenantId, Map.of("user_id", userId));
        return new IssuedLink(user, texts.link(token), expires);
    }

    public List<TenantUser> list(UUID tenantId) {
        tenants.require(tenantId);
        return users.list(tenantId);
    }

    /** A move's switch (and its undo): each user's stored credentials name where the tenant's database is now. */
    public void pointCredentialsAt(TenantRecord tenant) {
        for (TenantUser user : users.list(tenant.tenantId())) {
            credentials.pointAt(tenant, user);
        }
    }

    static RuntimeException unavailableIfSecretStore(RuntimeException e) {
        if (e instanceof SecretStoreUnavailable) {
            return Refusal.secretStoreUnavailable();
        }
        return e;
    }

    private interface SqlAction {
        void run() throws SQLException;
    }

    private static void sql(SqlAction action) {
        try {
            action.run();
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL: " + e.getMessage(), e);
        }
    }
}
