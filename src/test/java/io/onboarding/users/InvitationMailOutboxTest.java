package io.onboarding.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.Mailbox;
import io.onboarding.support.RunningService;
import io.onboarding.support.TestPostgres;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Mail never fails an invitation: without SMTP, or with SMTP down, it waits in the outbox. */
class InvitationMailOutboxTest {

    private static final String PLATFORM = "platform_outbox_test";

    @Test
    void mailWaitsWithoutSmtpAndIsSentOnceSmtpIsConfigured() throws Exception {
        String email = "later-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
        UUID tenantId;
        // The same data directory across both starts: it holds the local secret store's key.
        String dataDir = java.nio.file.Files.createTempDirectory("outbox-test").toString();
        try (RunningService withoutSmtp = RunningService.start(PLATFORM, Map.of("onboarding.data-dir", dataDir))) {
            tenantId = withoutSmtp.activeTenant("free", null);
            ApiClient.Response invited = withoutSmtp.api().post("/api/v1/tenants/" + tenantId + "/users",
                    "{\"email\":\"" + email + "\",\"role\":\"developer\"}");
            assertThat(invited.status()).isEqualTo(201);
            assertThat(withoutSmtp.catalog().platform("SELECT status || ' ' || attempts FROM mail_outbox"
                    + " WHERE recipient = ?", email)).containsExactly("pending 0");
        }
        try (Mailbox mailbox = new Mailbox()) {
            Map<String, String> settings = new HashMap<>(mailbox.settings());
            settings.put("onboarding.mail.poll-interval-ms", "500");
            settings.put("onboarding.data-dir", dataDir);
            try (RunningService withSmtp = RunningService.start(PLATFORM, settings)) {
                String link = mailbox.awaitLink(email);
                assertThat(link).startsWith("http://onboarding.test/api/v1/invitations/");
                Catalog catalog = withSmtp.catalog();
                // The message reaches the mailbox before the outbox records it sent.
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(catalog.platform(
                        "SELECT status FROM mail_outbox WHERE recipient = ?", email)).containsExactly("sent"));
                assertThat(catalog.platform("SELECT count(*) FROM secrets WHERE path LIKE 'platform/outbox/%'"
                        + " AND path IN (SELECT 'platform/outbox/' || id FROM mail_outbox WHERE recipient = ?)", email))
                        .as("the sent message's text is deleted").containsExactly("0");
            }
        }
    }

    @Test
    void anUnreachableMailServerDoesNotFailTheInvitation() throws Exception {
        String email = "unlucky-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
        Map<String, String> deadSmtp = Map.of("onboarding.smtp.host", "127.0.0.1",
                "onboarding.smtp.port", Integer.toString(TestPostgres.freePort()),
                "onboarding.mail.poll-interval-ms", "500");
        try (RunningService service = RunningService.start(PLATFORM + "_dead_smtp", deadSmtp)) {
            UUID tenantId = service.activeTenant("free", null);
            ApiClient.Response invited = service.api().post("/api/v1/tenants/" + tenantId + "/users",
                    "{\"email\":\"" + email + "\",\"role\":\"auditor\"}");
            assertThat(invited.status()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(30)).until(() -> service.catalog().platform(
                    "SELECT count(*) FROM mail_outbox WHERE recipient = ? AND status = 'pending' AND attempts >= 1"
                            + " AND last_error IS NOT NULL AND next_attempt_at > now()", email).equals(java.util.List.of("1")));
            assertThat(service.api().get("/api/v1/tenants/" + tenantId + "/users").body().get("items").get(0)
                    .get("status").asText()).isEqualTo("invited");
        }
    }
}
