package io.onboarding.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.onboarding.support.ApiClient;
import io.onboarding.support.ServiceProcess;
import io.onboarding.support.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two packaged services on one DATA_DIR (embedded PostgreSQL and Artemis, the defaults): the second
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
        }
    }
}
