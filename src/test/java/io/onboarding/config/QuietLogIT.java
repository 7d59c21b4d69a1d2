package io.onboarding.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.onboarding.support.ServiceProcess;
import io.onboarding.support.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar on embedded defaults, as {@code bin/run} starts it: a start-up a person can read
 * (a short summary, the libraries' detail at DEBUG) and a normal SIGTERM shutdown without an ERROR,
 * a stack trace or a connection-pool warning, and with the embedded PostgreSQL stopped after the work
 * that used it.
 */
class QuietLogIT {

    @Test
    void startUpIsShortAndANormalShutdownLogsNoErrorNorWarning() throws Exception {
        Path dataDir = Files.createTempDirectory("quiet-log");
        Map<String, String> env = Map.of("DATA_DIR", dataDir.toString(),
                "SERVER_PORT", Integer.toString(TestPostgres.freePort()));
        List<String> started;
        String all;
        try (ServiceProcess service = ServiceProcess.start("quiet-log", env,
                "-Donboarding.embedded-postgres.port=" + TestPostgres.freePort(),
                "-Donboarding.jms.embedded-port=" + TestPostgres.freePort())) {
            started = service.output().lines().toList();
            // Some work, so the pools and Quartz have something to stop.
            String token = Files.readString(dataDir.resolve("api-token")).trim();
            assertThat(service.api().withToken(token).post("/api/v1/tenants",
                    "{\"tenant_name\":\"Quiet\",\"plan\":\"free\",\"region\":\"local\"}").status()).isEqualTo(202);
            assertThat(service.terminate()).isLessThan(java.time.Duration.ofSeconds(30));
            all = service.output();
        }

        assertThat(started).as(String.join("\n", started)).hasSizeLessThan(40);
        assertThat(started).anyMatch(line -> line.startsWith("Tenant onboarding listening on http://localhost:"));
        assertThat(String.join("\n", started)).as("no property dump, route or endpoint list at INFO")
                .doesNotContain("BaseMainSupport", "MainHttpServerUtil", "[application.properties]", "    Started ",
                        "AMQ221", "Quartz Scheduler v");
        assertThat(all).as("no escape sequence").doesNotContain("\u001b");
        String shutdown = all.substring(all.indexOf("Tenant onboarding listening on"));
        assertThat(shutdown.lines()).as(shutdown).noneMatch(line -> line.contains(" ERROR ") || line.startsWith("\tat ")
                || line.contains("Hikari") || line.contains("PoolBase") || line.contains("Interrupted"));
        assertThat(shutdown.lines().filter(line -> line.contains(" WARN ")))
                .as("warnings after start-up").allMatch(line -> line.contains("AMQ222166"));
        assertThat(shutdown).contains("is shutdown");
        // The embedded PostgreSQL was stopped too, last, by the service itself: no postmaster left behind.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(ProcessHandle.allProcesses().filter(process -> process.info().commandLine()
                        .map(line -> line.contains(dataDir.resolve("postgres").toString())).orElse(false)))
                        .as("postgres processes of " + dataDir).isEmpty());
    }
}
