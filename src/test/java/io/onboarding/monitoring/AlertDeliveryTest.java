package io.onboarding.monitoring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.onboarding.support.Mailbox;
import io.onboarding.support.MonitoringDaemons;
import io.onboarding.support.MonitoringDaemons.Daemon;
import io.onboarding.support.MonitoringDaemons.ToolRun;
import io.onboarding.support.RunningService;
import io.onboarding.support.TestPostgres;
import io.onboarding.tenant.TenantNaming;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Alerts delivered end to end: the service's fleet rules in a real Prometheus (scraping the service
 * every second) firing into a real Alertmanager that runs the documented
 * {@code docker/alertmanager/alertmanager.yml} with only its endpoints and timings changed: the pager
 * webhook is a WireMock on loopback, the mail relay a GreenMail.
 */
class AlertDeliveryTest {

    static final Path DOCUMENTED = Path.of("docker/alertmanager/alertmanager.yml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private static WireMockServer pager;
    private static Mailbox mailbox;
    private static Daemon alertmanager;
    private static Daemon prometheus;
    private static RunningService service;

    @BeforeAll
    static void start() throws Exception {
        pager = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        pager.start();
        pager.stubFor(post(urlEqualTo("/pager")).willReturn(aResponse().withStatus(200)));
        mailbox = new Mailbox();
        Path dir = Files.createTempDirectory("alert-delivery");
        Path config = Files.writeString(dir.resolve("alertmanager.yml"), testConfig(pager.port(),
                Integer.parseInt(mailbox.settings().get("onboarding.smtp.port"))));
        ToolRun check = MonitoringDaemons.run("amtool", "check-config", config.toString());
        assertThat(check.exitCode()).as(check.output()).isZero();
        alertmanager = MonitoringDaemons.alertmanager(config, TestPostgres.freePort());

        int servicePort = TestPostgres.freePort();
        prometheus = MonitoringDaemons.prometheusForService(dir, servicePort, "", """
                alerting:
                  alertmanagers:
                    - static_configs:
                        - targets: ["127.0.0.1:%d"]
                """.formatted(alertmanager.port()));
        service = RunningService.start("platform_alert_delivery_test",
                MonitoringDaemons.watchedService(dir, servicePort, prometheus));
    }

    /** The documented configuration, its receivers pointed at loopback and its waits made short. */
    private static String testConfig(int pagerPort, int smtpPort) throws Exception {
        ObjectNode config = (ObjectNode) YAML.readTree(DOCUMENTED.toFile());
        ObjectNode global = (ObjectNode) config.get("global");
        global.put("smtp_smarthost", "127.0.0.1:" + smtpPort).put("smtp_require_tls", false);
        global.remove(List.of("smtp_auth_username", "smtp_auth_password"));
        ((ObjectNode) config.get("route")).put("group_wait", "1s").put("group_interval", "1s");
        for (JsonNode receiver : config.get("receivers")) {
            if (receiver.has("webhook_configs")) {
                ((ObjectNode) receiver.get("webhook_configs").get(0)).put("url", "http://127.0.0.1:" + pagerPort + "/pager");
            }
        }
        return YAML.writeValueAsString(config);
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
        prometheus.close();
        alertmanager.close();
        pager.stop();
        mailbox.close();
    }

    /** A backup that fails: the database refuses connections, pg_dump's included. */
    private static void failABackup(UUID tenantId) {
        String database = TenantNaming.databaseName(tenantId);
        service.catalog().execute("postgres", "ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
        var accepted = service.api().post("/api/v1/tenants/" + tenantId + "/backups", "");
        assertThat(accepted.status()).isEqualTo(202);
        JsonNode backup = service.awaitOperation(accepted.body().get("operation_id").asText());
        assertThat(backup.get("status").asText()).isEqualTo("failed");
        service.catalog().execute("postgres", "ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
    }

    /** Every alert the pager webhook has received, as Alertmanager sent it. */
    private static List<JsonNode> paged() throws Exception {
        List<JsonNode> alerts = new ArrayList<>();
        for (LoggedRequest request : pager.findAll(postRequestedFor(urlEqualTo("/pager")))) {
            JSON.readTree(request.getBodyAsString()).get("alerts").forEach(alerts::add);
        }
        return alerts;
    }

    @Test
    void aFailedBackupPagesWithTheTenantAndItsRunbook() throws Exception {
        UUID tenantId = service.activeTenant("standard", null);
        failABackup(tenantId);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(paged()).anySatisfy(alert -> {
                    assertThat(alert.get("status").asText()).isEqualTo("firing");
                    assertThat(alert.get("labels").get("alertname").asText()).isEqualTo("TenantBackupFailed");
                    assertThat(alert.get("labels").get("tenant_id").asText()).isEqualTo(tenantId.toString());
                    assertThat(alert.get("labels").get("plan").asText()).isEqualTo("standard");
                    assertThat(alert.get("labels").get("severity").asText()).isEqualTo("critical");
                    assertThat(alert.get("annotations").get("runbook_url").asText())
                            .isEqualTo("docs/runbooks.md#tenantbackupfailed");
                }));
    }

    @Test
    void aSuspendedTenantsAlertsAreInhibitedAndItsSuspensionIsMailedNotPaged() throws Exception {
        UUID tenantId = service.activeTenant("enterprise", null);
        failABackup(tenantId);
        var accepted = service.api().post("/api/v1/tenants/" + tenantId + "/suspend", "{\"reason\":\"unpaid\"}");
        assertThat(accepted.status()).as(String.valueOf(accepted.body())).isEqualTo(202);
        assertThat(service.awaitOperation(accepted.body().get("operation_id").asText()).get("status").asText())
                .isEqualTo("succeeded");
        // Alertmanager has both alerts of the tenant: the backup one muted by TenantSuspended.
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode alerts = alertmanager.http().get("/api/v2/alerts?filter="
                    + java.net.URLEncoder.encode("tenant_id=\"" + tenantId + "\"", "UTF-8")).body();
            Map<String, JsonNode> byName = new java.util.HashMap<>();
            alerts.forEach(alert -> byName.put(alert.get("labels").get("alertname").asText(), alert));
            assertThat(byName).containsKeys("TenantSuspended", "TenantBackupFailed");
            JsonNode backup = byName.get("TenantBackupFailed").get("status");
            assertThat(backup.get("state").asText()).isEqualTo("suppressed");
            assertThat(backup.get("inhibitedBy")).isNotEmpty();
            assertThat(byName.get("TenantSuspended").get("status").get("state").asText()).isEqualTo("active");
        });
        // Informational: mailed even for an enterprise tenant, never paged.
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            List<String> subjects = new ArrayList<>();
            for (MimeMessage message : mailbox.messagesTo("platform-oncall@example.org")) {
                subjects.add(message.getSubject());
            }
            assertThat(subjects).anyMatch(subject -> subject.contains("TenantSuspended")
                    && subject.contains(tenantId.toString()));
        });
        assertThat(paged()).noneMatch(alert -> alert.get("labels").get("alertname").asText().equals("TenantSuspended"));
    }
}
