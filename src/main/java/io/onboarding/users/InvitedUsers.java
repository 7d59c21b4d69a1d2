package io.onboarding.users;

import io.onboarding.kit.Refusal;
import io.onboarding.events.TenantEvents;
import io.onboarding.operation.StepContext;
import java.time.OffsetDateTime;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An invitation's record, its last part (steps {@code record-invited-user}, and inside
 * {@code invite-tenant-admin}): in one transaction the user ({@code invited}), the one-time link of
 * the prepared mail and the mail queued for sending. Until then nothing of the invitation is listed
 * or sent. A resumed step finds the user recorded and does nothing more.
 */
public final class InvitedUsers {

    private static final Logger LOG = LoggerFactory.getLogger(InvitedUsers.class);

    private final TenantUserRepository users;
    private final InvitationOutbox outbox;
    private final TransactionTemplate transaction;
    private final TenantEvents events;

    InvitedUsers(DataSource controlPlane, TenantUserRepository users, InvitationOutbox outbox, TenantEvents events) {
        this.users = users;
        this.outbox = outbox;
        this.events = events;
        this.transaction = new TransactionTemplate(new DataSourceTransactionManager(controlPlane));
    }

    /** Step: the user recorded as invited, with its link, and its mail released. */
    public void record(StepContext context) {
        Invitee invitee = Invitee.require(context);
        if (users.findById(invitee.userId()).isPresent()) {
            return;
        }
        Map<String, String> mail = outbox.prepared(invitee.userId()).orElseThrow(() -> new IllegalStateException(
                "the invitation mail of user " + invitee.userId() + " is not prepared"));
        try {
            transaction.executeWithoutResult(status -> {
                users.insertInvited(invitee.asUser("invited"));
                users.insertInvitation(mail.get(InvitationMail.LINK_HASH), invitee.userId(), "invitation",
                        OffsetDateTime.parse(mail.get(InvitationMail.LINK_EXPIRES_AT)));
                outbox.enqueue(invitee.userId(), invitee.email());
            });
        } catch (DuplicateKeyException e) {
            throw Refusal.conflict(invitee.email() + " is already a user of this tenant", "email");
        }
        outbox.kick();
        LOG.info("Invited user {} to tenant {} as {}", invitee.userId(), invitee.tenantId(), invitee.role().apiName());
        events.publish("user.invited", invitee.tenantId(), Map.of("user_id", invitee.userId(), "role",
                invitee.role().apiName()));
    }

    /** Undo of {@link #record}: the mail withdrawn if not sent, the links and the user forgotten. */
    public void forget(StepContext context) {
        Invitee invitee = Invitee.require(context);
        outbox.withdraw(invitee.userId());
        users.forget(invitee.userId());
    }
}
