package io.onboarding.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.onboarding.support.ApiClient;
import io.onboarding.support.RefusedActivation;
import io.onboarding.support.RunningService;
import io.onboarding.support.TestPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The CLI driven in-process ({@code CommandLine.execute}) against a running service. */
class CliTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static RunningService service;
    private static ApiClient api;
    private static UUID tenantId;

    record Run(int exitCode, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        service = RunningService.start("platform_cli_test");
        api = service.api();
        tenantId = service.activeTenant("standard", null);
        RefusedActivation.install("platform_cli_test", "Doomed");
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static Run cli(String... args) {
        return cli(Map.of("ONBOARDING_URL", "http://localhost:" + service.port(),
                "ONBOARDING_API_TOKEN", RunningService.TOKEN), args);
    }

    private static Run cli(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = OnboardingCli.commandLine(environment);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void createWithWaitPrintsOneProgressLinePerStepThenTheFinalStatus() {
        UUID created = UUID.randomUUID();
        Run run = cli("tenants", "create", "--tenant-id", created.toString(), "--name", "Cli " + created,
                "--plan", "standard", "--region", "local", "--wait");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
        JsonNode operation = api.get("/api/v1/operations?tenant_id=" + created).body().path("items").get(0);
        operation = api.get("/api/v1/operations/" + operation.path("operation_id").asText()).body();
        assertThat(operation.path("status").asText()).isEqualTo("succeeded");
        List<String> lines = run.out().lines().toList();
        List<String> progress = lines.stream().filter(line -> line.startsWith("  ")).toList();
        assertThat(progress).hasSize(operation.path("steps").size());
        for (JsonNode step : operation.path("steps")) {
            assertThat(progress).as("one line for step %s", step.path("name").asText())
                    .filteredOn(line -> line.matches("\\s+" + step.path("name").asText() + "\\s+"
                            + step.path("status").asText() + "\\s+(\\d+\\.\\d\\d s|-).*"))
                    .hasSize(1);
        }
        assertThat(lines.get(lines.size() - 1))
                .startsWith("operation " + operation.path("operation_id").asText() + " (provision) succeeded in");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void aFailedOperationExitsOneAfterItsCompensationLines() {
        Run run = cli("tenants", "create", "--name", "Doomed by the CLI test", "--plan", "free", "--region", "local",
                "--wait");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        List<String> lines = run.out().lines().toList();
        // A step is shown in each finished status the polls see: done or failed, then compensated.
        assertThat(lines).anyMatch(line -> line.matches("\\s+activate-tenant\\s+(failed|compensated)\\s.*"));
        assertThat(lines).anyMatch(line -> line.matches("\\s+create-tenant-roles\\s+compensated\\s.*"));
        assertThat(lines.get(lines.size() - 1)).contains("(provision) failed in").contains(", compensated: ");
    }

    @Test
    void showAndListAsAlignedTables() {
        Run show = cli("tenants", "show", tenantId.toString());
        assertThat(show.exitCode()).as(show.err()).isEqualTo(0);
        JsonNode tenant = api.get("/api/v1/tenants/" + tenantId).body();
        assertThat(show.out()).containsPattern("(?m)^FIELD\\s+VALUE$")
                .containsPattern("(?m)^tenant_name\\s+" + tenant.path("tenant_name").asText() + "$")
                .containsPattern("(?m)^status\\s+active$")
                .containsPattern("(?m)^database\\.name\\s+" + tenant.path("database").path("name").asText() + "$")
                .contains("roles:")
                .containsPattern("(?m)^tenant_admin\\s+" + tenant.path("roles").get(0).path("name").asText() + "$");

        Run list = cli("tenants", "list", "--limit", "200");
        assertThat(list.exitCode()).as(list.err()).isEqualTo(0);
        List<String> lines = list.out().lines().toList();
        String header = lines.get(0);
        assertThat(header).startsWith("TENANT_ID").contains("TENANT_NAME", "PLAN", "REGION", "STATUS", "CREATED_AT");
        String row = lines.stream().filter(line -> line.startsWith(tenantId.toString())).findFirst().orElseThrow();
        assertThat(row.indexOf("standard")).as("PLAN column aligned").isEqualTo(header.indexOf("PLAN"));
        assertThat(row.indexOf("active")).as("STATUS column aligned").isEqualTo(header.indexOf("STATUS"));

        Run operations = cli("operations", "list", "--tenant", tenantId.toString());
        assertThat(operations.exitCode()).as(operations.err()).isEqualTo(0);
        assertThat(operations.out().lines().toList().get(1)).contains("provision", tenantId.toString(), "succeeded");
    }

    @Test
    void jsonOutputIsTheApisJson() throws Exception {
        Run show = cli("tenants", "show", tenantId.toString(), "--output", "json");
        assertThat(show.exitCode()).as(show.err()).isEqualTo(0);
        JsonNode tenant = api.get("/api/v1/tenants/" + tenantId).body();
        for (String field : List.of("tenant_id", "tenant_name", "plan", "region", "status", "created_at")) {
            assertThat(show.json().path(field)).as(field).isEqualTo(tenant.path(field));
        }
        assertThat(show.json().path("database")).isEqualTo(tenant.path("database"));
        assertThat(show.json().path("roles")).isEqualTo(tenant.path("roles"));

        Run list = cli("-o", "json", "tenants", "list", "--status", "active", "--limit", "200");
        assertThat(list.exitCode()).as(list.err()).isEqualTo(0);
        assertThat(list.json().path("items").findValuesAsText("tenant_id")).contains(tenantId.toString());
        assertThat(list.json().has("next_cursor")).isTrue();

        Run operations = cli("operations", "list", "--tenant", tenantId.toString(), "-o", "json");
        JsonNode operation = operations.json().path("items").get(0);
        Run operationShown = cli("operations", "show", operation.path("operation_id").asText(), "-o", "json");
        assertThat(operationShown.json())
                .isEqualTo(api.get("/api/v1/operations/" + operation.path("operation_id").asText()).body());
    }

    @Test
    void controlCharactersFromTheServerArePrintedEscaped() throws Exception {
        UUID suspended = service.activeTenant("free", null);
        // Clear the screen, set the window title, a hyperlink, a CSI in its C1 form, a bell, DEL, a
        // carriage return that would hide the start of the line, a bidi override.
        String reason = "unpaid \u001b[2J\u001b]0;owned\u0007 \u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\"
                + " \u009b31m red \u007f\rhidden \u202eesrever";
        Run suspend = cli("tenants", "suspend", suspended.toString(), "--reason", reason, "--wait");
        assertThat(suspend.exitCode()).as(suspend.err()).isEqualTo(0);
        assertThat(api.get("/api/v1/tenants/" + suspended).body().path("suspension_reason").asText())
                .as("the service keeps the reason as given").isEqualTo(reason);

        Run show = cli("tenants", "show", suspended.toString());
        Run json = cli("tenants", "show", suspended.toString(), "-o", "json");
        Run list = cli("tenants", "list", "--status", "suspended", "--limit", "200");
        Run operations = cli("operations", "list", "--tenant", suspended.toString());
        for (Run run : List.of(suspend, show, json, list, operations)) {
            assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
            String printed = run.out() + run.err();
            assertThat(printed.chars().filter(c -> c < 0x20 && c != '\n' || c >= 0x7f && c <= 0x9f || c == 0x202e))
                    .as("control characters printed: %s", printed).isEmpty();
        }
        assertThat(show.out()).containsPattern("(?m)^suspension_reason\\s+unpaid \\\\u001b\\[2J\\\\u001b\\]0;owned\\\\u0007 ")
                .contains("\\u009b31m red \\u007f hidden \\u202eesrever");
        // JSON stays JSON, with the same value: the escapes are JSON's own.
        assertThat(json.json().path("suspension_reason").asText()).isEqualTo(reason);
    }

    @Test
    void aBadPlanExitsTwoNamingTheField() {
        Run run = cli("tenants", "create", "--name", "Bad plan", "--plan", "gold", "--region", "local");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("HTTP 400, validation_failed").containsPattern("(?m)^  plan: .+");
        assertThat(run.out()).isEmpty();
        assertThat(api.get("/api/v1/tenants?limit=200").body().path("items").findValuesAsText("tenant_name"))
                .doesNotContain("Bad plan");
    }

    @Test
    void anUnreachableServiceExitsThree() {
        Run run = cli(Map.of("ONBOARDING_URL", "http://127.0.0.1:" + TestPostgres.freePort(),
                "ONBOARDING_API_TOKEN", "whatever"), "tenants", "list");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).startsWith("error: cannot reach the service at http://127.0.0.1:");
    }

    @Test
    void destroyNeedsTheTenantsNameAsConfirm() {
        Run missing = cli("tenants", "destroy", tenantId.toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--confirm=TENANT_NAME'");

        Run wrong = cli("tenants", "destroy", tenantId.toString(), "--confirm", "not its name");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.err()).containsPattern("(?m)^  confirm: .+");

        assertThat(api.get("/api/v1/tenants/" + tenantId).body().path("status").asText()).isEqualTo("active");
    }

    @Test
    void moveCallsTheMoveEndpointAndPrintsTheApisAnswer() {
        Run run = cli("tenants", "move", tenantId.toString(), "--cluster", "nowhere");

        ApiClient.Response direct = api.post("/api/v1/tenants/" + tenantId + "/move", "{\"cluster\":\"nowhere\"}");
        if (direct.status() / 100 == 2) {
            assertThat(run.exitCode()).isEqualTo(0);
        } else {
            assertThat(run.exitCode()).isEqualTo(direct.status() < 500 ? 2 : 1);
            assertThat(run.err()).contains("HTTP " + direct.status())
                    .contains(direct.body().path("error").path("message").asText());
        }
    }

    @Test
    void theTokenIsReadFromDataDirWhenNotGiven() throws Exception {
        Path dataDir = Files.createTempDirectory("cli-data");
        Files.writeString(dataDir.resolve("api-token"), RunningService.TOKEN + "\n");

        Run run = cli(Map.of("SERVER_PORT", Integer.toString(service.port()), "DATA_DIR", dataDir.toString()),
                "operations", "list", "--limit", "1");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(0);

        Run wrongToken = cli(Map.of("SERVER_PORT", Integer.toString(service.port()), "ONBOARDING_API_TOKEN", "wrong"),
                "operations", "list");
        assertThat(wrongToken.exitCode()).isEqualTo(2);
        assertThat(wrongToken.err()).contains("HTTP 401");

        Run noToken = cli(Map.of("SERVER_PORT", Integer.toString(service.port()), "DATA_DIR", dataDir.resolve("none").toString()),
                "operations", "list");
        assertThat(noToken.exitCode()).isEqualTo(2);
        assertThat(noToken.err()).startsWith("error: no API token");
    }

    @Test
    void usersAndBackupsGoThroughTheirEndpoints() throws Exception {
        Run invited = cli("users", "invite", tenantId.toString(), "--email", "cli@example.test", "--role", "developer",
                "--team", "red", "--team", "blue", "-o", "json");
        assertThat(invited.exitCode()).as(invited.err()).isEqualTo(0);
        assertThat(invited.json().path("status").asText()).isEqualTo("invited");
        assertThat(invited.json().path("teams").toString()).isEqualTo("[\"red\",\"blue\"]");

        Run users = cli("users", "list", tenantId.toString());
        assertThat(users.out()).containsPattern("(?m)^" + invited.json().path("user_id").asText() + "\\s+cli@example.test\\s+developer");

        Run backup = cli("backups", "create", tenantId.toString(), "--wait", "-o", "json");
        assertThat(backup.exitCode()).as(backup.out() + backup.err()).isEqualTo(0);
        assertThat(backup.json().path("type").asText()).isNotEmpty();
        assertThat(backup.json().path("status").asText()).isEqualTo("succeeded");
        assertThat(backup.err()).as("progress goes to stderr under json").contains(" succeeded in ");

        Run backups = cli("backups", "list", tenantId.toString());
        assertThat(backups.out().lines().toList().get(0)).startsWith("BACKUP_ID").contains("KIND", "SIZE_BYTES");
        assertThat(backups.out()).contains("manual");

        Run removed = cli("users", "remove", tenantId.toString(), invited.json().path("user_id").asText());
        assertThat(removed.exitCode()).as(removed.err()).isEqualTo(0);
    }

    @Test
    void everyCommandHasHelp() {
        List<List<String>> commands = new ArrayList<>();
        collect(OnboardingCli.commandLine(Map.of()), new ArrayList<>(), commands);
        assertThat(commands).hasSizeGreaterThan(20);
        for (List<String> command : commands) {
            String[] args = Stream.concat(command.stream(), Stream.of("--help")).toArray(String[]::new);
            Run run = cli(Map.of(), args);
            assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(0);
            assertThat(run.out()).as(String.join(" ", args))
                    .startsWith(String.join(" ", Stream.concat(Stream.of("Usage: tenant-onboarding"), command.stream()).toList()));
        }
        for (String group : List.of("tenants", "operations", "users", "backups")) {
            assertThat(cli(Map.of(), group, "--version").exitCode()).isEqualTo(0);
        }
        assertThat(cli(Map.of(), "--version").out()).startsWith("tenant-onboarding ");
        Run unknown = cli(Map.of(), "tenants", "frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
    }

    @Test
    void theCompletionScriptCoversTheCommands() {
        Run run = cli(Map.of(), "completion");

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).contains("complete -F _complete_tenant-onboarding", "tenants", "operations", "users",
                "backups", "destroy", "--confirm", "--wait");
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        command.getSubcommands().forEach((name, sub) -> {
            List<String> subPath = new ArrayList<>(path);
            subPath.add(name);
            collect(sub, subPath, into);
        });
    }
}
