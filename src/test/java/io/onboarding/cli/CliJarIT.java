package io.onboarding.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.onboarding.support.RunningService;
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
        service = RunningService.start("platform_cli_jar_it");
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static Result jar(Path workDir, Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of(System.getProperty("service.jar", "target/tenant-onboarding.jar")).toAbsolutePath().toString()));
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
}
