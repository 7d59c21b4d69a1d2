package io.onboarding.users;

import io.onboarding.kit.Refusal;
import io.onboarding.events.TenantEvents;
import io.onboarding.operation.FaultHolds;
import io.onboarding.operation.StepOutcome;
import io.onboarding.secrets.SecretStore;
import io.onboarding.secrets.SecretStoreUnavailable;
import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;
import io.onboarding.tenant.TenantRole;
import io.onboarding.tenant.TenantRoleProvisioner;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Letting people into a tenant: a LOGIN role each (member of one tenant role), credentials in the
 * secret store at {@code tenant-users/{tenant_id}/{database_user}}, and a one-time link by mail to
 * collect them ({@link InvitationLinks}). Whatever fails after the role exists undoes what was done.
 */
public final class UserInvitations {

    private static final Logger LOG = LoggerFactory.getLogger(UserInvitations.class);

    private final TenantRepository tenants;
    private final TenantUserRepository users;
    private final TenantRoleProvisioner roles;
    private final SecretStore secrets;
    private final InvitationOutbox outbox;
    private final TransactionTemplate transaction;
    private final InvitationTexts texts;
    private final int connectionLimit;
    private final Duration linkLifetime;
    private final TenantEvents events;
    private final Duration unfinishedAfter;
    private final FaultHolds holds;
    /** The fault tests' hold point (docs/faults.md): login role and credential made, invitation not recorded. */
    public static final String INVITE_HOLD_POINT = "invite-user";

    public UserInvitations(DataSource dataSource, TenantRepository tenants, TenantUserRepository users,
                           TenantRoleProvisioner roles, SecretStore secrets, InvitationOutbox outbox,
                           String publicBaseUrl, int connectionLimit, Duration linkLifetime, TenantEvents events,
                           Duration unfinishedAfter, FaultHolds holds) {
        this.unfinishedAfter = unfinishedAfter;
        this.holds = holds;
        this.events = events;
        this.tenants = tenants;
        this.users = users;
        this.roles = roles;
        this.secrets = secrets;
        this.outbox = outbox;
        this.transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.texts = new InvitationTexts(publicBaseUrl);
        this.connectionLimit = connectionLimit;
        this.linkLifetime = linkLifetime;
    }

    public TenantUser invite(UUID tenantId, InviteRequest request) {
        TenantRecord tenant = tenants.requireActive(tenantId);
        if (users.findByEmail(tenantId, request.email()).isPresent()) {
            throw Refusal.conflict(request.email() + " is already a user of this tenant", "email");
        }
        UUID userId = UUID.randomUUID();
        String login = TenantNaming.userRoleName(tenantId, userId);
        String password = Credentials.password();
        TenantUser user = new TenantUser(userId, tenantId, request.email(), request.role().apiName(), request.teams(),
                request.invitedBy(), login, "inviting", null, null, null);
        // Recorded first: a crash from here on leaves a row that says what to clean up (abandonUnfinished).
        try {
            users.insertInviting(user);
        } catch (DuplicateKeyException e) {
            throw Refusal.conflict(request.email() + " is already a user of this tenant", "email");
        }
        Made made = Made.NOTHING;
        try {
            sql(() -> roles.createLogin(tenantId, login, request.role(), password, connectionLimit));
            made = Made.LOGIN;
            secrets.put(credentialsPath(user), credentials(tenant, user, password));
            made = Made.CREDENTIAL;
            holds.at(tenantId, INVITE_HOLD_POINT, FaultHolds.Phase.AFTER);
            String token = Credentials.token();
            OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plus(linkLifetime);
            // The mail's id is the user's: a half-made invitation's mail can be found and discarded.
            outbox.prepare(userId, user.email(), "Your access to " + tenant.tenantName(),
                    texts.invitation(tenant, user, token, expires));
            made = Made.MAIL;
            transaction.executeWithoutResult(status -> {
                if (!users.invited(userId)) {
                    throw new IllegalStateException("the invitation of user " + userId + " took longer than"
                            + " onboarding.users.unfinished-invitation-timeout-seconds and was abandoned");
                }
                users.insertInvitation(Credentials.hash(token), userId, "invitation", expires);
                outbox.enqueue(userId, user.email());
            });
        } catch (RuntimeException e) {
            abandon(user, tenant, made);
            throw unavailableIfSecretStore(e);
        }
        outbox.kick();
        LOG.info("Invited user {} to tenant {} as {}", userId, tenantId, request.role().apiName());
        events.publish("user.invited", tenantId, Map.of("user_id", userId, "role", request.role().apiName()));
        return users.findById(userId).orElseThrow();
    }

    /** Provisioning step: the tenant's {@code admin_email}, if any, invited as tenant_admin. */
    public StepOutcome inviteTenantAdmin(TenantRecord tenant) {
        if (tenant.adminEmail() == null) {
            return StepOutcome.skipped("no admin_email");
        }
        Optional<TenantUser> earlier = users.findByEmail(tenant.tenantId(), tenant.adminEmail());
        if (earlier.isPresent() && TenantUserRepository.unfinished(earlier.get())) {
            // This step's own run, cut short by a crash (the operation holds the tenant): undone, made again.
            if (!abandon(earlier.get(), tenant, Made.MAIL)) {
                throw new IllegalStateException("the earlier, unfinished invitation of the tenant admin could not"
                        + " be undone yet");
            }
            earlier = Optional.empty();
        }
        if (earlier.isEmpty()) {
            invite(tenant.tenantId(), new InviteRequest(tenant.adminEmail(), TenantRole.TENANT_ADMIN, List.of(),
                    "tenant-onboarding"));
        }
        return StepOutcome.done();
    }

    /** Compensation of {@link #inviteTenantAdmin}. */
    public void removeTenantAdmin(UUID tenantId) {
        TenantRecord tenant = tenants.load(tenantId);
        if (tenant.adminEmail() != null) {
            users.findByEmail(tenantId, tenant.adminEmail()).ifPresent(user -> remove(tenantId, user.userId()));
        }
    }

    /** Ends the user's sessions, drops the login role, deletes the credentials. */
    public void remove(UUID tenantId, UUID userId) {
        TenantUser user = users.find(tenantId, userId).orElseThrow(() -> Refusal.notFound("user " + userId));
        TenantRecord tenant = tenants.load(tenantId);
        sql(() -> roles.dropLogin(tenantId, tenant.databaseName(), user.databaseUser()));
        try {
            secrets.delete(credentialsPath(user));
        } catch (RuntimeException e) {
            throw unavailableIfSecretStore(e);
        }
        users.markRemoved(userId);
        LOG.info("Removed user {} from tenant {}", userId, tenantId);
        events.publish("user.removed", tenantId, Map.of("user_id", userId));
    }

    /** Destroy: every user of the tenant removed (sessions, login role, credentials), half-made invitations too. */
    public void removeAll(UUID tenantId) {
        TenantRecord tenant = tenants.load(tenantId);
        for (TenantUser inviting : users.unfinishedOf(tenantId)) {
            if (!abandon(inviting, tenant, Made.MAIL)) {
                throw new IllegalStateException("an unfinished invitation of tenant " + tenantId
                        + " could not be undone yet");
            }
        }
        for (TenantUser user : users.list(tenantId)) {
            remove(tenantId, user.userId());
        }
    }

    /**
     * Invitations a crash left half made ({@code inviting} for longer than
     * {@code onboarding.users.unfinished-invitation-timeout-seconds}): their login role, credential and
     * prepared mail are removed and the row forgotten. Run at start-up and on the recovery timer.
     */
    public void abandonUnfinished() {
        for (TenantUser user : users.claimUnfinished(unfinishedAfter)) {
            if (abandon(user, tenants.load(user.tenantId()), Made.MAIL)) {
                LOG.warn("Removed the half-made invitation of user {} of tenant {} (left by a crash)", user.userId(),
                        user.tenantId());
            }
        }
    }

    /** A new password (the old one stops working at once), collected through a new one-time link. */
    public TenantUser rotate(UUID tenantId, UUID userId) {
        TenantUser user = users.find(tenantId, userId).orElseThrow(() -> Refusal.notFound("user " + userId));
        TenantRecord tenant = tenants.load(tenantId);
        String password = Credentials.password();
        Map<String, String> previous;
        try {
            previous = secrets.get(credentialsPath(user)).orElse(null);
            secrets.put(credentialsPath(user), credentials(tenant, user, password));
        } catch (RuntimeException e) {
            throw unavailableIfSecretStore(e);
        }
        try {
            sql(() -> roles.changePassword(tenantId, user.databaseUser(), password));
        } catch (RuntimeException e) {
            if (previous != null) { // the store must keep the password PostgreSQL still has
                secrets.put(credentialsPath(user), previous);
            }
            throw e;
        }
        String token = Credentials.token();
        OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plus(linkLifetime);
        UUID mail = outbox.prepare(user.email(), "New credentials for " + tenant.tenantName(),
                texts.rotation(tenant, token, expires));
        transaction.executeWithoutResult(status -> {
            users.expireOpenLinks(userId);
            users.insertInvitation(Credentials.hash(token), userId, "rotation", expires);
            users.credentialsRotated(userId);
            outbox.enqueue(mail, user.email());
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

    /** How far an invitation got, in the order it is made; after a crash: possibly all of it. */
    private enum Made {
        NOTHING, LOGIN, CREDENTIAL, MAIL
    }

    /**
     * Undoes an invitation that was not made (what of its login role, credential and prepared mail it
     * got to) and forgets it; if something could not be undone the row stays, and the recovery pass
     * claims it and tries again.
     */
    private boolean abandon(TenantUser user, TenantRecord tenant, Made made) {
        boolean undone = true;
        try {
            if (made.compareTo(Made.MAIL) >= 0) {
                outbox.discard(user.userId());
            }
            if (made.compareTo(Made.CREDENTIAL) >= 0) {
                secrets.delete(credentialsPath(user));
            }
        } catch (RuntimeException e) {
            undone = false;
            LOG.warn("Could not delete the secrets of the failed invitation of user {}: {}", user.userId(),
                    e.getMessage());
        }
        try {
            if (made.compareTo(Made.LOGIN) >= 0) {
                roles.dropLogin(user.tenantId(), tenant.databaseName(), user.databaseUser());
            }
        } catch (SQLException | RuntimeException e) {
            undone = false;
            LOG.error("Could not drop role {} of a failed invitation", user.databaseUser(), e);
        }
        if (undone) {
            users.deleteUnfinished(user.userId());
        }
        return undone;
    }

    static RuntimeException unavailableIfSecretStore(RuntimeException e) {
        if (e instanceof SecretStoreUnavailable) {
            return Refusal.secretStoreUnavailable();
        }
        return e;
    }

    /** The design's fields (database_user, database_password, tenant_id, email, role, created_at) and where and how to connect. */
    private Map<String, String> credentials(TenantRecord tenant, TenantUser user, String password) {
        return Map.of("database_user", user.databaseUser(), "database_password", password,
                "tenant_id", tenant.tenantId().toString(), "email", user.email(), "role", user.role(),
                "created_at", OffsetDateTime.now(ZoneOffset.UTC).toString(), "database", tenant.databaseName(),
                "host", String.valueOf(tenant.databaseHost()), "port", String.valueOf(tenant.databasePort()),
                "sslmode", tenants.sslMode(tenant));
    }

    /** A move's switch (and its undo): each user's stored credentials name where the tenant's database is now. */
    public void pointCredentialsAt(TenantRecord tenant) {
        for (TenantUser user : users.list(tenant.tenantId())) {
            secrets.get(credentialsPath(user)).ifPresent(stored -> {
                Map<String, String> moved = new java.util.HashMap<>(stored);
                moved.put("host", String.valueOf(tenant.databaseHost()));
                moved.put("port", String.valueOf(tenant.databasePort()));
                moved.put("sslmode", tenants.sslMode(tenant));
                secrets.put(credentialsPath(user), moved);
            });
        }
    }

    static String credentialsPath(TenantUser user) {
        return "tenant-users/" + user.tenantId() + "/" + user.databaseUser();
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
