package io.onboarding.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.onboarding.support.ServiceProcess;
import io.onboarding.support.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The packaged service on embedded defaults, started as the test runs it (root in CI): its PostgreSQL
 * runs as the documented unprivileged OS user (onboarding-pg as root, otherwise the service's own user)
 * from binaries under DATA_DIR, and a superuser session in it can read neither DATA_DIR's secret
 * files nor the service's secret environment.
 */
class EmbeddedPostgresPrivilegesIT {

    private static final Set<PosixFilePermission> WRITABLE_BY_OTHERS = Set.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);

    @Test
    void theEmbeddedPostgresRunsUnprivilegedFromDataDirAndCannotReadTheServicesSecrets() throws Exception {
        Path dataDir = Files.createTempDirectory("onboarding-pg-privileges");
        Path serviceTmp = Files.createTempDirectory("onboarding-pg-privileges-tmp");
        int pgPort = TestPostgres.freePort();
        String jmsPassword = "jms-" + UUID.randomUUID();
        Map<String, String> env = new HashMap<>();
        env.put("DATA_DIR", dataDir.toString());
        env.put("SERVER_PORT", Integer.toString(TestPostgres.freePort()));
        env.put("JMS_PASSWORD", jmsPassword);
        io.onboarding.support.SecretsSeen.record(jmsPassword);
        int me = uid(Path.of("/proc/self"));
        int expectedUid = me == 0 ? Integer.parseInt(getentPasswd("onboarding-pg")[2]) : me;
        try (ServiceProcess service = ServiceProcess.start("pg-privileges", env, "-Djava.io.tmpdir=" + serviceTmp,
                "-Donboarding.embedded-postgres.port=" + pgPort,
                "-Donboarding.jms.embedded-port=" + TestPostgres.freePort())) {
            long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).trim());
            ProcessHandle handle = ProcessHandle.of(postmaster).orElseThrow();

            // The postmaster and every backend: real, effective, saved and filesystem uid.
            if (me == 0) {
                assertThat(expectedUid).as("onboarding-pg's uid").isNotZero();
            }
            List<Long> processes = new ArrayList<>(List.of(postmaster));
            handle.descendants().forEach(child -> processes.add(child.pid()));
            assertThat(processes).hasSizeGreaterThan(1).allSatisfy(pid -> {
                List<String> uids = uids(pid);
                if (!uids.isEmpty()) { // empty: a backend that ended meanwhile
                    assertThat(uids).as("Uid of pid %d", pid).containsOnly(Integer.toString(expectedUid));
                }
            });

            // Its binaries: under DATA_DIR, the service's, writable by nobody else.
            Path binaries = dataDir.resolve("postgres-binaries");
            assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(postmaster), "exe")).toString())
                    .startsWith(binaries.toRealPath().toString());
            try (Stream<Path> paths = Files.walk(binaries)) {
                assertThat(paths.toList()).hasSizeGreaterThan(100).allSatisfy(path -> {
                    assertThat(uid(path)).as("owner of %s", path).isEqualTo(me);
                    if (!Files.isSymbolicLink(path)) {
                        assertThat(Files.getPosixFilePermissions(path)).as("mode of %s", path)
                                .doesNotContainAnyElementsOf(WRITABLE_BY_OTHERS);
                    }
                });
            }
            assertThat(serviceTmp.resolve("embedded-pg")).as("zonky's shared unpack folder").doesNotExist();

            // Its data directory is its own, 0700; the secrets beside it are the service's, 0600.
            assertThat(uid(dataDir.resolve("postgres"))).isEqualTo(expectedUid);
            assertThat(mode(dataDir.resolve("postgres"))).isEqualTo("rwx------");
            for (String secret : List.of("api-token", "postgres-superuser.password", "secret-store.key")) {
                Path file = dataDir.resolve(secret);
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(file));
                assertThat(uid(file)).as("owner of %s", secret).isEqualTo(me);
                assertThat(mode(file)).as("mode of %s", secret).isEqualTo("rw-------");
            }
            if (me == 0) {
                assertThat(mode(dataDir)).isEqualTo("rwx--x--x");
            }

            String token = Files.readString(dataDir.resolve("api-token")).trim();
            String superuserPassword = Files.readString(dataDir.resolve("postgres-superuser.password")).trim();
            PostgresCluster cluster = new PostgresCluster("127.0.0.1", pgPort, "postgres", superuserPassword);
            try (Connection superuser = cluster.connect("postgres"); Statement sql = superuser.createStatement()) {
                assertThat(query(sql, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user"))
                        .containsExactly("true");
                sql.execute("CREATE TEMP TABLE loot(line text)");
                if (me == 0) {
                    // What the tenant-turned-superuser did: the file is there, its contents are not.
                    for (String secret : List.of("api-token", "secret-store.key", "postgres-superuser.password")) {
                        Path file = dataDir.resolve(secret);
                        sql.execute("TRUNCATE loot");
                        assertThatThrownBy(() -> sql.execute("COPY loot FROM PROGRAM " + literal("cat " + file)))
                                .isInstanceOf(SQLException.class).hasMessageContaining("failed");
                        assertThat(query(sql, "SELECT count(*)::text FROM loot")).containsExactly("0");
                        assertThat(programOutput(sql, "cat " + file + " 2>&1 || true")).singleElement().asString()
                                .contains(file.toString()).contains("Permission denied");
                        assertThatThrownBy(() -> query(sql, "SELECT pg_read_file(" + literal(file.toString()) + ")"))
                                .isInstanceOf(SQLException.class).hasMessageContaining("Permission denied");
                    }
                }
                assertThat(programOutput(sql, "id -u")).containsExactly(Integer.toString(expectedUid));
                List<String> environment = programOutput(sql, "env");
                assertThat(environment).anySatisfy(line -> assertThat(line).startsWith("PATH="))
                        .noneSatisfy(line -> assertThat(line).contains(jmsPassword))
                        .noneSatisfy(line -> assertThat(line).contains(token))
                        .noneSatisfy(line -> assertThat(line).startsWith("DATA_DIR="));
            }

            assertThat(service.terminate()).isLessThan(Duration.ofSeconds(30));
            assertThat(handle.onExit()).succeedsWithin(Duration.ofSeconds(30));
            assertThat(dataDir.resolve("postgres/postmaster.pid")).doesNotExist();
        } finally {
            deleteTree(dataDir);
            deleteTree(serviceTmp);
        }
    }

    @Test
    void asRootAnOsUserThatDoesNotExistStopsTheStartNamingTheSetting() throws Exception {
        Assumptions.assumeTrue(uid(Path.of("/proc/self")) == 0, "the OS user is only used when running as root");
        Path dataDir = Files.createTempDirectory("onboarding-pg-no-user");
        try {
            ServiceProcess.Exit exit = ServiceProcess.startExpectingExit("pg-no-user",
                    Map.of("DATA_DIR", dataDir.toString(), "SERVER_PORT", Integer.toString(TestPostgres.freePort())),
                    Duration.ofSeconds(60), "-Donboarding.embedded-postgres.os-user=onboarding-no-such-user",
                    "-Donboarding.embedded-postgres.port=" + TestPostgres.freePort(),
                    "-Donboarding.jms.embedded-port=" + TestPostgres.freePort());
            assertThat(exit.code()).isNotZero();
            assertThat(exit.output()).contains("onboarding.embedded-postgres.os-user=onboarding-no-such-user")
                    .contains("does not exist").doesNotContain("Embedded PostgreSQL 15 listening");
            assertThat(dataDir.resolve("postgres")).doesNotExist();
        } finally {
            deleteTree(dataDir);
        }
    }

    @Test
    void asRootADataDirThePostgresUserCannotReachStopsTheStartNamingTheDirectory() throws Exception {
        Assumptions.assumeTrue(uid(Path.of("/proc/self")) == 0, "the OS user is only used when running as root");
        Path closed = Files.createTempDirectory("onboarding-pg-closed"); // 0700: nobody else passes
        Path dataDir = closed.resolve("data");
        try {
            ServiceProcess.Exit exit = ServiceProcess.startExpectingExit("pg-closed",
                    Map.of("DATA_DIR", dataDir.toString(), "SERVER_PORT", Integer.toString(TestPostgres.freePort())),
                    Duration.ofSeconds(60), "-Donboarding.embedded-postgres.port=" + TestPostgres.freePort(),
                    "-Donboarding.jms.embedded-port=" + TestPostgres.freePort());
            assertThat(exit.code()).isNotZero();
            assertThat(exit.output()).contains("cannot pass through " + closed)
                    .contains("chmod o+x").contains("onboarding.embedded-postgres.os-user")
                    .doesNotContain("Embedded PostgreSQL 15 listening");
        } finally {
            deleteTree(closed);
        }
    }

    private static List<String> programOutput(Statement sql, String command) throws SQLException {
        sql.execute("TRUNCATE loot");
        sql.execute("COPY loot FROM PROGRAM " + literal(command));
        return query(sql, "SELECT line FROM loot");
    }

    private static List<String> query(Statement sql, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = sql.executeQuery(query)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** The four uids (real, effective, saved, filesystem) of a process. */
    private static List<String> uids(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.startsWith("Uid:")).findFirst().map(line -> List.of(line.substring(4).trim()
                            .split("\\s+"))).orElseThrow();
        } catch (java.io.IOException gone) {
            return List.of(); // a backend that ended meanwhile
        }
    }

    private static int uid(Path path) throws java.io.IOException {
        return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    private static String mode(Path path) throws java.io.IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    private static String[] getentPasswd(String name) throws Exception {
        Process getent = new ProcessBuilder("getent", "passwd", name).start();
        String line = new String(getent.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(getent.waitFor()).as("getent passwd %s (.ci/run creates the user)", name).isZero();
        return line.split(":");
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
