package io.onboarding.users;

import io.onboarding.operation.StepContext;
import io.onboarding.tenant.TenantRecord;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * An invitation's mail (steps {@code prepare-invitation-mail}, and inside {@code invite-tenant-admin}):
 * a one-time link's token and the message that carries it, prepared in the outbox under the user's id
 * (its text, which holds the link, in the secret store) with the hash of the token and its expiry
 * beside it. It is queued for sending only by the invitation's record ({@link InvitedUsers}), so no
 * mail goes out for an invitation that is undone. A resumed step keeps the message it prepared.
 */
public final class InvitationMail {

    static final String LINK_HASH = "link_hash";
    static final String LINK_EXPIRES_AT = "link_expires_at";

    private final InvitationOutbox outbox;
    private final InvitationTexts texts;
    private final Duration linkLifetime;

    InvitationMail(InvitationOutbox outbox, InvitationTexts texts, Duration linkLifetime) {
        this.outbox = outbox;
        this.texts = texts;
        this.linkLifetime = linkLifetime;
    }

    /** Step: the message with a new one-time link; one prepared by an earlier run is kept. */
    public void prepare(StepContext context) {
        Invitee invitee = Invitee.require(context);
        if (outbox.prepared(invitee.userId()).isPresent()) {
            return;
        }
        String token = Credentials.token();
        OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plus(linkLifetime);
        outbox.prepare(invitee.userId(), invitee.email(), "Your access to " + context.subject(TenantRecord.class).tenantName(),
                texts.invitation(context.subject(TenantRecord.class), invitee.asUser("invited"), token, expires),
                Map.of(LINK_HASH, Credentials.hash(token), LINK_EXPIRES_AT, expires.toString()));
    }

    /** Undo of {@link #prepare}: the message and its link are gone (and never sent if it was queued). */
    public void discard(StepContext context) {
        outbox.withdraw(Invitee.require(context).userId());
    }
}
