package io.onboarding.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.onboarding.support.ApiClient;
import io.onboarding.support.ServiceProcess;
import io.onboarding.support.TestPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Start-up refusals of the packaged service. Two packaged services on one DATA_DIR (embedded PostgreSQL and Artemis, the defaults): the second
 * stops at once with a message naming the directory, instead of waiting for the broker's lock, and the
 * first keeps serving.
 */
class SingleDataDirectoryIT {

    private static Map<String, String> embeddedDefaults(Path dataDir) {
        Map<String, String> env = new HashMap<>();
        env.put("DATA_DIR", dataDir.toString());
        env.put("SERVER_PORT", Integer.toString(TestPostgres.freePort()));
        return env;
    }

    @Test
    void aSecondInstanceOnTheSameDataDirExitsAtOnceAndTheFirstKeepsServing() throws Exception {
        Path dataDir = Files.createTempDirectory("onboarding-single");
        try {
            String[] firstPorts = {"-Donboarding.embedded-postgres.port=" + TestPostgres.freePort(),
                    "-Donboarding.jms.embedded-port=" + TestPostgres.freePort()};
            try (ServiceProcess first = ServiceProcess.start("single-first", embeddedDefaults(dataDir), firstPorts)) {
                // Other ports, so nothing but the data directory is shared.
                ServiceProcess.Exit second = ServiceProcess.startExpectingExit("single-second", embeddedDefaults(dataDir),
                        Duration.ofSeconds(60), "-Donboarding.embedded-postgres.port=" + TestPostgres.freePort(),
                        "-Donboarding.jms.embedded-port=" + TestPostgres.freePort());

                assertThat(second.code()).isNotZero();
                assertThat(second.took()).isLessThan(Duration.ofSeconds(30));
                assertThat(second.output()).contains("DATA_DIR " + dataDir.toAbsolutePath().normalize() + " is in use")
                        .contains("another tenant-onboarding instance holds its lock")
                        .doesNotContain("Embedded PostgreSQL 15 listening");

                ApiClient api = first.api().withToken(Files.readString(dataDir.resolve("api-token")).trim());
                assertThat(api.withToken(null).get("/observe/health").status()).isEqualTo(200);
                assertThat(api.get("/api/v1/tenants").status()).isEqualTo(200);
                assertThat(first.terminate()).isLessThan(Duration.ofSeconds(30));
            }
            // Released with the process: the next instance starts.
            try (ServiceProcess third = ServiceProcess.start("single-third", embeddedDefaults(dataDir),
                    "-Donboarding.embedded-postgres.port=" + TestPostgres.freePort(),
                    "-Donboarding.jms.embedded-port=" + TestPostgres.freePort())) {
                assertThat(third.api().withToken(null).get("/observe/health").status()).isEqualTo(200);
                third.terminate(); // a kill -9 (close) would leave its PostgreSQL running
            }
        } finally {
            deleteTree(dataDir);
        }
    }

    @Test
    void aTakenHttpPortStopsTheServiceSayingSo() throws Exception {
        Path dataDir = Files.createTempDirectory("onboarding-port");
        try (ServerSocket taken = new ServerSocket(0)) {
            Map<String, String> env = embeddedDefaults(dataDir);
            env.put("SERVER_PORT", Integer.toString(taken.getLocalPort()));
            String[] ports = {"-Donboarding.embedded-postgres.port=" + TestPostgres.freePort(),
                    "-Donboarding.jms.embedded-port=" + TestPostgres.freePort()};
            // Not a live process without its API: it exits, naming the port.
            ServiceProcess.Exit refused = ServiceProcess.startExpectingExit("port-taken", env, Duration.ofSeconds(90), ports);
            assertThat(refused.code()).isNotZero();
            assertThat(refused.output()).contains("the HTTP server is not listening on port " + taken.getLocalPort());

            // The test harness, told so, starts it again on another port.
            try (ServiceProcess moved = ServiceProcess.start("port-taken-retried", env, ports)) {
                assertThat(moved.port()).isNotEqualTo(taken.getLocalPort());
                assertThat(moved.api().withToken(null).get("/observe/health").status()).isEqualTo(200);
                moved.terminate(); // a kill -9 (close) would leave its PostgreSQL running
            }
        } finally {
            deleteTree(dataDir);
        }
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
