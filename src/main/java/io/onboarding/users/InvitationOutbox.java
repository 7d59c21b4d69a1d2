package io.onboarding.users;

import io.onboarding.secrets.SecretStore;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import io.onboarding.observe.OnboardingMetrics;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Invitation mail, sent through {@code direct:send-mail} (camel-mail over SMTP). Every message is
 * queued first, so a mail server that is down, or not configured yet, never fails an invitation:
 * the message waits and is retried with back-off. Since a message carries a one-time link, its text
 * is kept in the secret store ({@code platform/outbox/{id}}) and deleted once sent.
 */
public final class InvitationOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(InvitationOutbox.class);

    private final JdbcTemplate jdbc;
    private final SecretStore secrets;
    private final ProducerTemplate template;
    private final boolean smtpEnabled;
    private final ExecutorService sender;
    private final AtomicBoolean delivering = new AtomicBoolean();
    private final OnboardingMetrics metrics;

    public InvitationOutbox(CamelContext camel, DataSource dataSource, SecretStore secrets, boolean smtpEnabled,
                            OnboardingMetrics metrics) {
        this.metrics = metrics;
        this.jdbc = new JdbcTemplate(dataSource);
        this.secrets = secrets;
        this.template = camel.createProducerTemplate();
        this.smtpEnabled = smtpEnabled;
        this.sender = camel.getExecutorServiceManager().newSingleThreadExecutor(this, "invitation-mail");
    }

    /** Stores the message text in the secret store; call {@link #enqueue} in the same unit of work. */
    public UUID prepare(String recipient, String subject, String text) {
        UUID id = UUID.randomUUID();
        prepare(id, recipient, subject, text, Map.of());
        return id;
    }

    /**
     * As above, under an id the caller knows, with facts about the message kept beside it (an
     * invitation's link hash and expiry, which its record takes over). Only {@code to},
     * {@code subject} and {@code text} are sent.
     */
    public void prepare(UUID id, String recipient, String subject, String text, Map<String, String> about) {
        Map<String, String> message = new java.util.HashMap<>(about);
        message.putAll(Map.of("to", recipient, "subject", subject, "text", text));
        secrets.put(secretPath(id), message);
    }

    /** The message prepared under the id and not sent yet. */
    public java.util.Optional<Map<String, String>> prepared(UUID id) {
        return secrets.get(secretPath(id));
    }

    /** Undoes {@link #prepare} and {@link #enqueue}: the message no longer goes out, if it has not yet. */
    public void withdraw(UUID id) {
        jdbc.update("DELETE FROM mail_outbox WHERE id = ? AND status <> 'sent'", id);
        secrets.delete(secretPath(id));
    }

    /** Queues a prepared message; joins the caller's transaction. */
    public void enqueue(UUID id, String recipient) {
        jdbc.update("INSERT INTO mail_outbox (id, recipient) VALUES (?, ?)", id, recipient);
    }

    /** Delivers due mail soon, without holding up the caller. */
    public void kick() {
        if (smtpEnabled) {
            sender.execute(this::deliverDue);
        }
    }

    /** Sends every due message once; failures are rescheduled with exponential back-off. */
    public void deliverDue() {
        if (!smtpEnabled || !delivering.compareAndSet(false, true)) {
            return;
        }
        try {
            List<UUID> due = jdbc.queryForList("UPDATE mail_outbox SET attempts = attempts + 1,"
                    + " next_attempt_at = now() + interval '10 minutes' WHERE id IN (SELECT id FROM mail_outbox"
                    + " WHERE status = 'pending' AND next_attempt_at <= now() ORDER BY created_at LIMIT 50"
                    + " FOR UPDATE SKIP LOCKED) RETURNING id", UUID.class);
            due.forEach(this::deliver);
        } finally {
            delivering.set(false);
        }
    }

    private void deliver(UUID id) {
        Map<String, String> message;
        try {
            message = secrets.get(secretPath(id)).orElse(null);
        } catch (RuntimeException e) {
            retryLater(id, "secret store: " + e.getMessage());
            return;
        }
        if (message == null) {
            jdbc.update("UPDATE mail_outbox SET status = 'failed', last_error = 'message text is gone' WHERE id = ?", id);
            return;
        }
        Exchange sent = template.send("direct:send-mail", exchange -> {
            exchange.getMessage().setHeader("To", message.get("to"));
            exchange.getMessage().setHeader("Subject", message.get("subject"));
            exchange.getMessage().setHeader("Content-Type", "text/plain; charset=UTF-8");
            exchange.getMessage().setBody(message.get("text"));
        });
        if (sent.getException() != null) {
            metrics.invitationMail("failed");
            retryLater(id, sent.getException().getMessage());
            return;
        }
        metrics.invitationMail("sent");
        jdbc.update("UPDATE mail_outbox SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = ?", id);
        secrets.delete(secretPath(id));
        LOG.info("Invitation mail {} sent", id);
    }

    private void retryLater(UUID id, String error) {
        LOG.warn("Invitation mail {} not sent, retried later: {}", id, error);
        jdbc.update("UPDATE mail_outbox SET last_error = ?, next_attempt_at = now()"
                + " + least(interval '1 hour', interval '5 seconds' * power(2, attempts - 1)) WHERE id = ?", error, id);
    }

    private static String secretPath(UUID id) {
        return "platform/outbox/" + id;
    }
}
