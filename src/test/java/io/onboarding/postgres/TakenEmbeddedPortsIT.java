package io.onboarding.postgres;

import io.onboarding.config.DataDirectoryLock;

import static org.assertj.core.api.Assertions.assertThat;

import io.onboarding.support.ServiceProcess;
import io.onboarding.support.TestPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged service on embedded defaults, with the port of its embedded broker or of its embedded
 * PostgreSQL held by someone else (a listening socket of this test, on every address, as another
 * program or another instance would hold it): it exits non-zero, naming the port and the variable that
 * moves it, never connects to that foreign listener, and leaves nothing behind (no postmaster, the
 * data directory's lock free).
 */
class TakenEmbeddedPortsIT {

    private static final Duration BOUND = Duration.ofSeconds(90);

    private static Map<String, String> embeddedDefaults(Path dataDir) {
        Map<String, String> env = new HashMap<>();
        env.put("DATA_DIR", dataDir.toString());
        env.put("SERVER_PORT", Integer.toString(TestPostgres.freePort()));
        env.put("PG_EMBEDDED_PORT", Integer.toString(TestPostgres.freePort()));
        env.put("JMS_EMBEDDED_PORT", Integer.toString(TestPostgres.freePort()));
        return env;
    }

    @Test
    void aTakenBrokerPortStopsTheStartNamingJmsEmbeddedPort() throws Exception {
        Path dataDir = Files.createTempDirectory("onboarding-broker-port");
        try (ServerSocket foreign = new ServerSocket(0)) {
            int port = foreign.getLocalPort();
            Map<String, String> env = embeddedDefaults(dataDir);
            env.put("JMS_EMBEDDED_PORT", Integer.toString(port));

            ServiceProcess.Exit exit = ServiceProcess.startExpectingExit("broker-port-taken", env, BOUND.plusSeconds(30));

            assertThat(exit.code()).isNotZero();
            assertThat(exit.took()).isLessThan(BOUND);
            assertThat(exit.output()).contains("127.0.0.1:" + port).contains("JMS_EMBEDDED_PORT")
                    .doesNotContain("Tenant onboarding listening")
                    // It got that far: PostgreSQL was up, and was stopped again.
                    .contains("Embedded PostgreSQL 15 listening");
            assertNeverConnected(foreign, "JMS_EMBEDDED_PORT");
            assertNothingLeft(dataDir);
        } finally {
            stopLeftoverPostmaster(dataDir);
            deleteTree(dataDir);
        }
    }

    @Test
    void aTakenPostgresPortStopsTheStartNamingPgEmbeddedPort() throws Exception {
        Path dataDir = Files.createTempDirectory("onboarding-pg-port");
        try (ServerSocket foreign = new ServerSocket(0)) {
            int port = foreign.getLocalPort();
            Map<String, String> env = embeddedDefaults(dataDir);
            env.put("PG_EMBEDDED_PORT", Integer.toString(port));

            ServiceProcess.Exit exit = ServiceProcess.startExpectingExit("pg-port-taken", env, BOUND.plusSeconds(30));

            assertThat(exit.code()).isNotZero();
            assertThat(exit.took()).isLessThan(BOUND);
            assertThat(exit.output()).contains("127.0.0.1:" + port).contains("PG_EMBEDDED_PORT")
                    .doesNotContain("Embedded PostgreSQL 15 listening")
                    .doesNotContain("Embedded Artemis broker listening");
            assertNeverConnected(foreign, "PG_EMBEDDED_PORT");
            assertNothingLeft(dataDir);
        } finally {
            stopLeftoverPostmaster(dataDir);
            deleteTree(dataDir);
        }
    }

    /** Nothing the service did reached the foreign listener: no connection waits in its backlog. */
    private static void assertNeverConnected(ServerSocket foreign, String variable) throws IOException {
        foreign.setSoTimeout(500);
        try (Socket connected = foreign.accept()) {
            throw new AssertionError("the service connected to the foreign listener on its " + variable + " ("
                    + connected.getRemoteSocketAddress() + ")");
        } catch (SocketTimeoutException none) {
            // as it should be
        }
    }

    /** No process runs on the data directory (a postmaster), and its lock is free. */
    private static void assertNothingLeft(Path dataDir) throws IOException {
        Path dir = dataDir.toAbsolutePath().normalize();
        assertThat(dir.resolve("postgres").resolve("postmaster.pid")).doesNotExist();
        assertThat(processesMentioning(dir.toString())).as("processes still running on " + dir).isEmpty();
        try (DataDirectoryLock lock = DataDirectoryLock.acquire(dir)) {
            assertThat(lock).isNotNull();
        }
    }

    /** "pid: command line" of every process whose command line names {@code text}. */
    private static List<String> processesMentioning(String text) throws IOException {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(proc -> proc.getFileName().toString().chars().allMatch(Character::isDigit))
                    .map(proc -> {
                        try {
                            String command = new String(Files.readAllBytes(proc.resolve("cmdline")),
                                    StandardCharsets.UTF_8).replace('\0', ' ');
                            return command.contains(text) ? proc.getFileName() + ": " + command : null;
                        } catch (IOException gone) {
                            return null;
                        }
                    })
                    .filter(java.util.Objects::nonNull).toList();
        }
    }

    /** Should a failed assertion leave a postmaster running on the data directory: stopped (fast shutdown). */
    private static void stopLeftoverPostmaster(Path dataDir) throws Exception {
        Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        java.util.Optional<ProcessHandle> postmaster = ProcessHandle.of(pid);
        if (postmaster.isPresent()) {
            new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
            postmaster.get().onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
