package io.onboarding.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real SMTP server (GreenMail) on loopback, and reading the one-time links out of its mail. */
public final class Mailbox implements AutoCloseable {

    private static final Pattern LINK = Pattern.compile("(https?://\\S+/api/v1/invitations/[A-Za-z0-9_-]+)");

    private final GreenMail greenMail;
    private final Set<String> handedOut = new HashSet<>();

    public Mailbox() {
        greenMail = new GreenMail(new ServerSetup(TestPostgres.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
    }

    /** Settings pointing the service at this server. */
    public Map<String, String> settings() {
        return Map.of("onboarding.smtp.host", "127.0.0.1",
                "onboarding.smtp.port", Integer.toString(greenMail.getSmtp().getPort()),
                "onboarding.smtp.from", "onboarding@platform.test");
    }

    /** {@link #settings()} plus an outbox looked at every half second, as the mail tests want it. */
    public Map<String, String> serviceSettings() {
        Map<String, String> settings = new java.util.HashMap<>(settings());
        settings.put("onboarding.mail.poll-interval-ms", "500");
        return settings;
    }

    /** Waits for a mail to {@code recipient} with a link not handed out before, and returns the link. */
    public String awaitLink(String recipient) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            for (MimeMessage message : messagesTo(recipient)) {
                String body = GreenMailUtil.getBody(message).replace("=\r\n", "").replace("=3D", "=");
                Matcher link = LINK.matcher(body);
                if (link.find() && handedOut.add(link.group(1))) {
                    return link.group(1);
                }
            }
            greenMail.waitForIncomingEmail(1000, greenMail.getReceivedMessages().length + 1);
        }
        throw new AssertionError("no new mail with a link reached " + recipient);
    }

    public List<MimeMessage> messagesTo(String recipient) throws Exception {
        List<MimeMessage> messages = new ArrayList<>();
        for (MimeMessage message : greenMail.getReceivedMessages()) {
            Address[] to = message.getAllRecipients();
            if (to != null && Arrays.stream(to).anyMatch(address -> address.toString().equalsIgnoreCase(recipient))) {
                messages.add(message);
            }
        }
        return messages;
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
