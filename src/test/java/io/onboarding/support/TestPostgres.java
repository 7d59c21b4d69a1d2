package io.onboarding.support;

import io.onboarding.postgres.EmbeddedPostgresServer;
import io.onboarding.postgres.PostgresCluster;
import java.nio.file.Files;
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
                } catch (Exception e) {
                    throw new IllegalStateException("cannot start the test PostgreSQL", e);
                }
            }
        }
        return cluster;
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
