package io.onboarding.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.ApiClient;
import io.onboarding.support.RunningService;
import io.onboarding.support.ServiceProcess;
import io.onboarding.support.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar with a command is the CLI: it answers from the jar's own main class, prints
 * nothing but its output (no Camel, no log lines), leaves its working directory untouched (no data
 * directory, no database) and exits with the CLI's codes.
 */
class CliJarIT {

    private static RunningService service;

    record Result(int exitCode, String out, String err, Duration took) {
    }

    @BeforeAll
    static void start() throws Exception {
        // Enterprise onboardings wait for approval here, as with the shipped configuration.
        service = RunningService.start("platform_cli_jar_it", Map.of("onboarding.approval.plans", "enterprise"));
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static Result jar(Path workDir, Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                ServiceProcess.QUICK_START, "-jar", Path.of(System.getProperty("service.jar", "target/tenant-onboarding.jar")).toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().keySet().removeIf(key -> !key.equals("PATH") && !key.equals("HOME"));
        builder.environment().putAll(environment);
        Path out = Files.createTempFile("cli-out", ".txt");
        Path err = Files.createTempFile("cli-err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        long started = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the CLI did not exit within 120 s: " + String.join(" ", args));
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err),
                Duration.ofNanos(System.nanoTime() - started));
    }

    @Test
    void helpComesFromTheJarAndNothingElseIsPrinted() throws Exception {
        Path workDir = Files.createTempDirectory("cli-jar");

        Result help = jar(workDir, Map.of(), "--help");

        assertThat(help.exitCode()).as(help.err()).isEqualTo(0);
        assertThat(help.out()).startsWith("Usage: tenant-onboarding").contains("tenants", "operations", "users",
                "backups", "completion", "Exit codes:");
        assertThat(help.err()).isEmpty();
        assertThat(help.took()).isLessThan(Duration.ofSeconds(60));
        Result serveHelp = jar(workDir, Map.of(), "serve", "--help");
        assertThat(serveHelp.exitCode()).isEqualTo(0);
        assertThat(serveHelp.out()).startsWith("Usage: tenant-onboarding serve");
        try (Stream<Path> left = Files.list(workDir)) {
            assertThat(left).as("the CLI wrote nothing (no data directory, no database)").isEmpty();
        }
    }

    @Test
    void tenantsListTalksToTheServiceWithTheTokenFromAFile() throws Exception {
        UUID tenantId = service.activeTenant("free", null);
        Path workDir = Files.createTempDirectory("cli-jar");
        Path tokenFile = Files.createTempFile("cli-token", "");
        Files.writeString(tokenFile, RunningService.TOKEN);

        Result list = jar(workDir, Map.of("ONBOARDING_URL", "http://localhost:" + service.port(),
                "ONBOARDING_API_TOKEN_FILE", tokenFile.toString()), "tenants", "list", "--limit", "200");

        assertThat(list.exitCode()).as(list.err()).isEqualTo(0);
        assertThat(list.out().lines().findFirst()).hasValueSatisfying(header -> assertThat(header).startsWith("TENANT_ID"));
        assertThat(list.out()).containsPattern("(?m)^" + tenantId + "\\s+T .+\\s+free\\s+local\\s+active\\s");
        assertThat(list.err()).as("no log or Camel output").isEmpty();
        assertThat(list.out()).doesNotContain("INFO", "WARN", "Camel", "log4j", "SLF4J");
        try (Stream<Path> left = Files.list(workDir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void theJarExitsWithTheClisCodes() throws Exception {
        Path workDir = Files.createTempDirectory("cli-jar");

        Result unreachable = jar(workDir, Map.of("ONBOARDING_URL", "http://127.0.0.1:" + TestPostgres.freePort(),
                "ONBOARDING_API_TOKEN", "any"), "operations", "list");
        assertThat(unreachable.exitCode()).isEqualTo(3);
        assertThat(unreachable.err()).startsWith("error: cannot reach the service");

        Result usage = jar(workDir, Map.of(), "tenants", "destroy", UUID.randomUUID().toString());
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.err()).contains("Missing required option: '--confirm=TENANT_NAME'");
    }

    private static Map<String, String> env() {
        return Map.of("ONBOARDING_URL", "http://localhost:" + service.port(), "ONBOARDING_API_TOKEN", RunningService.TOKEN);
    }

    @Test
    void anEnterpriseOnboardingSaysItWaitsForApprovalExitsFourAndGoesOnOnceApprovedFromTheCli() throws Exception {
        Path workDir = Files.createTempDirectory("cli-jar-approval");
        String name = "Jar Enterprise " + UUID.randomUUID().toString().substring(0, 8);

        Result created = jar(workDir, env(), "tenants", "create", "--name", name, "--plan", "enterprise",
                "--region", "local", "--wait");

        assertThat(created.exitCode()).as(created.out() + created.err()).isEqualTo(4);
        java.util.regex.Matcher first = java.util.regex.Pattern
                .compile("(?m)^tenant ([0-9a-f-]{36}): operation ([0-9a-f-]{36}) \\(provision\\) started$")
                .matcher(created.out());
        assertThat(first.find()).as("the tenant id comes first:\n" + created.out()).isTrue();
        String tenantId = first.group(1);
        assertThat(created.out()).containsPattern("(?m)^\\s+await-approval\\s+waiting\\s+-\\s+awaiting approval")
                .contains("waits for approval: tenant-onboarding tenants approve " + tenantId);
        assertThat(service.api().get("/api/v1/tenants/" + tenantId).body().path("status").asText())
                .isEqualTo("awaiting_approval");

        Result approved = jar(workDir, env(), "tenants", "approve", tenantId, "--by", "ops@example.test",
                "--note", "contract signed", "--wait");

        assertThat(approved.exitCode()).as(approved.out() + approved.err()).isEqualTo(0);
        assertThat(approved.out()).contains("operation " + first.group(2) + " (provision) succeeded in");
        assertThat(service.api().get("/api/v1/tenants/" + tenantId).body().path("status").asText()).isEqualTo("active");
        JsonNode audit = service.api().get("/api/v1/audit?tenant_id=" + tenantId + "&action=approve-tenant").body();
        assertThat(audit.at("/items/0/outcome").asText()).isEqualTo("202");
        assertThat(approved.err()).isEmpty();

        // Reject, the other half of the pair: the same shape, the reason required by the API.
        Result another = jar(workDir, env(), "-o", "json", "tenants", "create", "--name", name + " two", "--plan",
                "enterprise", "--region", "local");
        String rejectedId = new com.fasterxml.jackson.databind.ObjectMapper().readTree(another.out()).path("tenant_id").asText();
        Result noReason = jar(workDir, env(), "tenants", "reject", rejectedId);
        assertThat(noReason.exitCode()).isEqualTo(2);
        assertThat(noReason.err()).containsPattern("(?m)^  reason: ");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> service.api()
                .get("/api/v1/tenants/" + rejectedId).body().path("status").asText().equals("awaiting_approval"));
        Result rejected = jar(workDir, env(), "tenants", "reject", rejectedId, "--reason", "duplicate customer");
        assertThat(rejected.exitCode()).as(rejected.err()).isEqualTo(0);
        assertThat(rejected.out()).containsPattern("(?m)^decision\\s+rejected$").containsPattern("(?m)^type\\s+provision$");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> service.api()
                .get("/api/v1/tenants/" + rejectedId).body().path("status").asText().equals("failed"));
    }

    @Test
    void anInvitedUsersOneTimeLinkComesFromTheCliForAnAdminWithoutAnySmtp() throws Exception {
        Path workDir = Files.createTempDirectory("cli-jar-link");
        UUID tenantId = service.activeTenant("standard", "admin-" + UUID.randomUUID().toString().substring(0, 8)
                + "@example.test");
        String userId = service.api().get("/api/v1/tenants/" + tenantId + "/users").body().at("/items/0/user_id").asText();

        Result link = jar(workDir, env(), "-o", "json", "users", "invitation-link", tenantId.toString(), userId);

        assertThat(link.exitCode()).as(link.err()).isEqualTo(0);
        JsonNode issued = new com.fasterxml.jackson.databind.ObjectMapper().readTree(link.out());
        String url = issued.path("invitation_url").asText();
        assertThat(url).startsWith("http://onboarding.test/api/v1/invitations/");
        assertThat(link.out()).doesNotContain("password");
        String invitation = url.substring(url.indexOf("/api/v1/invitations/"));
        io.onboarding.support.ApiClient anonymous = service.api().withToken(null);
        ApiClient.Response accepted = anonymous.post(invitation + "/accept", "");
        assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(200);
        assertThat(accepted.body().path("password").asText()).isNotEmpty();
        assertThat(anonymous.post(invitation + "/accept", "").status()).as("once only").isEqualTo(410);
        io.onboarding.support.SecretsSeen.record(accepted.body().path("password").asText());
        io.onboarding.support.SecretsSeen.record(invitation.substring(invitation.lastIndexOf('/') + 1));

        // Collected: no new link for that user; and only an admin may have one.
        Result again = jar(workDir, env(), "users", "invitation-link", tenantId.toString(), userId);
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("HTTP 409").containsPattern("(?m)^  user_id: ");
        String operatorToken = service.api().post("/api/v1/tokens",
                "{\"name\":\"cli-operator-%s\",\"scopes\":[\"operator\"]}".formatted(UUID.randomUUID().toString().substring(0, 8)))
                .body().path("token").asText();
        io.onboarding.support.SecretsSeen.record(operatorToken);
        Result operator = jar(workDir, Map.of("ONBOARDING_URL", "http://localhost:" + service.port(),
                "ONBOARDING_API_TOKEN", operatorToken), "users", "invitation-link", tenantId.toString(), userId);
        assertThat(operator.exitCode()).isEqualTo(2);
        assertThat(operator.err()).contains("HTTP 403");
        JsonNode audit = service.api().get("/api/v1/audit?tenant_id=" + tenantId + "&action=issue-invitation-link").body();
        assertThat(audit.path("items").findValuesAsText("outcome")).contains("200", "409", "403");
        assertThat(audit.toString()).doesNotContain(invitation.substring(invitation.lastIndexOf('/') + 1));
    }

    @Test
    void aServiceThatDoesNotAnswerIsNamedWithItsUrlWhereItCameFromAndHowToGiveAnother() throws Exception {
        Path workDir = Files.createTempDirectory("cli-jar-port");
        int nothing = TestPostgres.freePort();

        Result viaPort = jar(workDir, Map.of("SERVER_PORT", Integer.toString(nothing), "ONBOARDING_API_TOKEN", "x"),
                "tenants", "list");
        assertThat(viaPort.exitCode()).isEqualTo(3);
        assertThat(viaPort.err()).startsWith("error: cannot reach the service at http://localhost:" + nothing
                + " (from SERVER_PORT=" + nothing + ")").contains("--url").contains("ONBOARDING_URL");

        Result byDefault = jar(workDir, Map.of("ONBOARDING_API_TOKEN", "x"), "--url", "http://127.0.0.1:" + nothing,
                "tenants", "list");
        assertThat(byDefault.exitCode()).isEqualTo(3);
        assertThat(byDefault.err()).contains("(from --url)").contains("ONBOARDING_URL");
        assertThat(byDefault.out()).isEmpty();
    }
}
