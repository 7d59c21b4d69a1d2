package io.onboarding.platform;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-configuration PostgreSQL: zonky's PostgreSQL 15 binaries, data kept under
 * {@code $DATA_DIR/postgres} across restarts. TCP logins need the superuser's password (SCRAM), which
 * is generated once and kept 0600 beside the data directory; the Unix socket lives inside the 0700
 * data directory, so no other local user can reach the server without that password.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final String SUPERUSER = "postgres";

    private final EmbeddedPostgres postgres;
    private final PostgresCluster cluster;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, PostgresCluster cluster) {
        this.postgres = postgres;
        this.cluster = cluster;
    }

    public static EmbeddedPostgresServer start(Path dataDir, int port) throws IOException {
        Path pgData = dataDir.resolve("postgres");
        Files.createDirectories(dataDir);
        String password = SecretFiles.readOrCreate(dataDir.resolve("postgres-superuser.password"),
                () -> SecretFiles.randomToken(32));
        stopOrphanedPostmaster(pgData);
        // initdb only takes the password from a file, and zonky passes "locale" settings straight
        // through as initdb options: the one way to have scram-sha-256 from the very first start.
        Path pwfile = Files.createTempFile("epg-pw", ".txt");
        try {
            Files.writeString(pwfile, password, StandardCharsets.UTF_8);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(pgData)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setLocaleConfig("pwfile", pwfile.toString())
                    .setLocaleConfig("auth-host", "scram-sha-256")
                    .setLocaleConfig("auth-local", "scram-sha-256")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("unix_socket_directories", pgData.toString())
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setServerConfig("max_connections", "300")
                    .setConnectConfig("password", password)
                    // No hook of its own: one would stop PostgreSQL the moment SIGTERM arrives, under the
                    // operations and Quartz still stopping (errors, broken-connection warnings). The
                    // service closes it last (TenantOnboardingService.afterStop); after a kill -9 the
                    // next start stops the orphaned postmaster.
                    .setRegisterShutdownHook(false)
                    .start();
            LOG.info("Embedded PostgreSQL 15 listening on 127.0.0.1:{} with data in {}", port, pgData);
            return new EmbeddedPostgresServer(postgres, new PostgresCluster("127.0.0.1", port, SUPERUSER, password));
        } finally {
            Files.deleteIfExists(pwfile);
        }
    }

    /**
     * After a kill -9 of the service, the postmaster it started keeps running and holds the data
     * directory. Ask it to shut down (SIGINT: fast shutdown) before starting a fresh one.
     */
    private static void stopOrphanedPostmaster(Path pgData) {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        Optional<ProcessHandle> postmaster;
        try {
            String firstLine = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
            postmaster = ProcessHandle.of(Long.parseLong(firstLine));
        } catch (IOException | NumberFormatException e) {
            return;
        }
        postmaster.filter(ProcessHandle::isAlive).ifPresent(process -> {
            LOG.warn("Stopping PostgreSQL (pid {}) left running by an earlier, killed instance", process.pid());
            try {
                new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start().waitFor();
                process.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop the orphaned postmaster " + process.pid(), e);
            }
        });
    }

    public PostgresCluster cluster() {
        return cluster;
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
