package io.onboarding.support;

import io.onboarding.postgres.EmbeddedPostgresServer;
import io.onboarding.postgres.PostgresCluster;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Path;
import java.util.Map;

/**
 * The PostgreSQL cluster the tests run against: the one named by PGHOST/PGPORT/PGUSER/PGPASSWORD if
 * set, otherwise one embedded PostgreSQL 15 per test JVM (password auth, scram-sha-256).
 */
public final class TestPostgres {

    private static PostgresCluster cluster;

    private TestPostgres() {
    }

    public static synchronized PostgresCluster cluster() {
        if (cluster == null) {
            Map<String, String> env = System.getenv();
            if (env.get("PGHOST") != null && !env.get("PGHOST").isEmpty()) {
                cluster = new PostgresCluster(env.get("PGHOST"), Integer.parseInt(env.getOrDefault("PGPORT", "5432")),
                        env.getOrDefault("PGUSER", "postgres"), env.get("PGPASSWORD"));
            } else {
                try {
                    Path dir = Files.createTempDirectory("onboarding-test-pg");
                    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dir, freePort());
                    // Stopped and removed with the JVM: a suite leaves gigabytes of tenant databases behind otherwise.
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        try {
                            server.close();
                        } catch (Exception alreadyStopping) {
                            System.err.println("test PostgreSQL stop: " + alreadyStopping);
                        }
                        try {
                            deleteTree(dir);
                        } catch (Exception notRemoved) {
                            System.err.println("test PostgreSQL directory " + dir + " not removed: " + notRemoved);
                        }
                    }));
                    cluster = server.cluster();
                    tuneForTests(cluster);
                } catch (Exception e) {
                    throw new IllegalStateException("cannot start the test PostgreSQL", e);
                }
            }
        }
        return cluster;
    }

    /**
     * A cluster the tests start for themselves (not the service's embedded one, whose settings are the
     * product's): no autovacuum, since a test cluster gathers hundreds of tenant databases (LoadTest
     * makes 500) and the launcher would start a worker in one of them every few tenths of a second for
     * as long as the cluster runs, which the tests never need; and no full-page images or early
     * checkpoints, which only guard against a crash of the machine, which a test cluster (already
     * without fsync) does not survive anyway.
     */
    public static void tuneForTests(PostgresCluster pg) throws SQLException {
        try (Connection connection = pg.connect(PostgresCluster.MAINTENANCE_DATABASE);
             Statement statement = connection.createStatement()) {
            statement.execute("ALTER SYSTEM SET autovacuum = off");
            statement.execute("ALTER SYSTEM SET full_page_writes = off");
            statement.execute("ALTER SYSTEM SET checkpoint_timeout = '30min'");
            statement.execute("ALTER SYSTEM SET max_wal_size = '8GB'");
            statement.execute("SELECT pg_reload_conf()");
        }
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** A port for a server a test starts: {@link FreePorts#next()}. */
    public static int freePort() {
        return FreePorts.next();
    }

    /** The service's settings pointing at this cluster, as environment variables. */
    public static Map<String, String> environment() {
        PostgresCluster pg = cluster();
        return Map.of("PGHOST", pg.host(), "PGPORT", Integer.toString(pg.port()), "PGUSER", pg.user(),
                "PGPASSWORD", pg.password() == null ? "" : pg.password());
    }
}
