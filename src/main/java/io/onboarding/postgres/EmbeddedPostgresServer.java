package io.onboarding.postgres;

import io.onboarding.config.SecretFiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-configuration PostgreSQL: zonky's PostgreSQL 15 binaries, unpacked under
 * {@code $DATA_DIR/postgres-binaries}, data kept under {@code $DATA_DIR/postgres} across restarts.
 * TCP logins need the superuser's password (SCRAM), which is generated once and kept 0600 beside the
 * data directory; the Unix socket lives inside the 0700 data directory, so no other local user can
 * reach the server without that password.
 *
 * <p>Its processes never run as root: when the service does, they run as the unprivileged OS user
 * {@code onboarding.embedded-postgres.os-user} ({@link PostgresOsUser}), which owns the cluster's
 * directory and nothing else of {@code DATA_DIR}, and they get no environment but {@code PATH} and the
 * locale, so a superuser session ({@code COPY ... FROM PROGRAM}, {@code pg_read_file}) can read neither
 * the service's secret files nor its secret variables.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final String SUPERUSER = "postgres";
    private static final String HOST = "127.0.0.1";

    /** The contract's variable for the embedded PostgreSQL's port, named when that port is taken. */
    public static final String PORT_VARIABLE = "PG_EMBEDDED_PORT";
    private static final int OUTPUT_TAIL_LINES = 40;

    private final Path binaries;
    private final Path pgData;
    private final PostgresOsUser user;
    private final PostgresCluster cluster;
    private final Thread shutdownHook;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean closed;

    /**
     * How long the shutdown hook leaves the server to its owner: the service closes it once Camel has
     * stopped (operations finished or handed back, requests answered), within the contract's 30 s.
     */
    private static final Duration OWNER_GRACE = Duration.ofSeconds(25);

    private EmbeddedPostgresServer(Path binaries, Path pgData, PostgresOsUser user, PostgresCluster cluster) {
        this.binaries = binaries;
        this.pgData = pgData;
        this.user = user;
        this.cluster = cluster;
        this.shutdownHook = new Thread(this::stopWithJvm, "embedded-postgres-stop");
    }

    /** As {@link #start(Path, int, String)} with the default OS user ({@value PostgresOsUser#DEFAULT_NAME}). */
    public static EmbeddedPostgresServer start(Path dataDir, int port) throws IOException {
        return start(dataDir, port, PostgresOsUser.DEFAULT_NAME);
    }

    /** As {@link #start(Path, int, String, boolean)}, stopped when the JVM exits at the latest. */
    public static EmbeddedPostgresServer start(Path dataDir, int port, String osUser) throws IOException {
        return start(dataDir, port, osUser, true);
    }

    /**
     * {@code osUser}: whom the server runs as when the service runs as root (otherwise unused).
     * {@code stopWithJvm}: a shutdown hook stops it too, should its owner not close it within
     * {@link #OWNER_GRACE} of the JVM beginning to exit (a kill -9 of the service leaves it running:
     * the next start replaces it).
     */
    public static EmbeddedPostgresServer start(Path dataDir, int port, String osUser, boolean stopWithJvm)
            throws IOException {
        Files.createDirectories(dataDir);
        dataDir = dataDir.toAbsolutePath().normalize();
        PostgresOsUser user = PostgresOsUser.resolve(osUser);
        Path pgData = dataDir.resolve("postgres");
        String password = SecretFiles.readOrCreate(dataDir.resolve("postgres-superuser.password"),
                () -> SecretFiles.randomToken(32));
        stopOrphanedPostmaster(pgData);
        // Checked before anything is unpacked or initialised: a taken port stops the start at once.
        requirePortFree(port);
        prepareDataDirectory(dataDir, pgData, user);
        Path binaries = PostgresBinaries.install(dataDir);
        EmbeddedPostgresServer server = new EmbeddedPostgresServer(binaries, pgData, user,
                new PostgresCluster(HOST, port, SUPERUSER, password));
        if (!Files.exists(pgData.resolve("postgresql.conf"))) {
            server.initdb(dataDir, password);
        }
        // Ours once pg_ctl says so: it listens on HOST alone, and a postmaster that cannot bind it exits.
        server.startPostmaster(port);
        if (stopWithJvm) {
            Runtime.getRuntime().addShutdownHook(server.shutdownHook);
        }
        LOG.info("Embedded PostgreSQL 15 listening on " + HOST + ":{} with data in {} (OS user {}, uid {})", port, pgData,
                user.name(), user.uid());
        return server;
    }

    /**
     * As root: {@code DATA_DIR} becomes 0711 (the PostgreSQL user passes through to its own directory
     * and the binaries, lists nothing, and the secret files beside them are 0600), every directory
     * above it must let others pass, and the cluster's directory is the PostgreSQL user's, 0700. A
     * cluster made by an earlier release (owned by root, which ran it through {@code unshare -U}) is
     * handed over once.
     */
    private static void prepareDataDirectory(Path dataDir, Path pgData, PostgresOsUser user) throws IOException {
        int me = PostgresOsUser.currentUid();
        if (user.switches()) {
            if (owner(dataDir) == me) {
                Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx--x--x"));
            }
            for (Path dir = dataDir; dir != null; dir = dir.getParent()) {
                if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new IllegalStateException("DATA_DIR " + dataDir + ": the embedded PostgreSQL runs as the OS user "
                            + user.name() + " (" + PostgresOsUser.SETTING + "), which cannot pass through " + dir
                            + " (mode " + PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))
                            + "). Let others pass (chmod o+x " + dir + "), choose a DATA_DIR elsewhere, or set PGHOST"
                            + " to use your own PostgreSQL.");
                }
            }
        }
        if (!Files.exists(pgData, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(pgData);
            if (user.switches()) {
                chown(pgData, user);
            }
        }
        if (!Files.isDirectory(pgData, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException(pgData + " (the embedded PostgreSQL's data) is not a directory");
        }
        if (user.switches()) {
            int pgOwner = owner(pgData);
            if (pgOwner == me) {
                LOG.warn("Handing the embedded PostgreSQL's data directory {} over to OS user {} (uid {}): it was"
                        + " root's, as an earlier release ran PostgreSQL as root", pgData, user.name(), user.uid());
                try (Stream<Path> paths = Files.walk(pgData)) {
                    for (Path path : paths.toList()) {
                        chown(path, user);
                    }
                }
            } else if (pgOwner != user.uid()) {
                throw new IllegalStateException(pgData + " (the embedded PostgreSQL's data) belongs to uid " + pgOwner
                        + ", not to " + PostgresOsUser.SETTING + "=" + user.name() + " (uid " + user.uid()
                        + "): set " + PostgresOsUser.SETTING + " to the user it belongs to, or chown it.");
            }
        }
        Files.setPosixFilePermissions(pgData, PosixFilePermissions.fromString("rwx------"));
    }

    private static int owner(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    private static void chown(Path path, PostgresOsUser user) throws IOException {
        Files.setAttribute(path, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * initdb only takes the password from a file: one the PostgreSQL user can read, beside its data
     * directory (not in the shared temporary directory), gone once initdb ends.
     */
    private void initdb(Path dataDir, String password) throws IOException {
        Path pwfile = dataDir.resolve(".postgres-initdb-" + UUID.randomUUID());
        Files.createFile(pwfile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(pwfile, password, StandardCharsets.UTF_8);
            if (user.switches()) {
                chown(pwfile, user);
            }
            run("initdb", List.of("-A", "trust", "-U", SUPERUSER, "-D", pgData.toString(), "-E", "UTF-8",
                    "--pwfile=" + pwfile, "--auth-host=scram-sha-256", "--auth-local=scram-sha-256"));
        } finally {
            Files.deleteIfExists(pwfile);
        }
    }

    /**
     * {@code pg_ctl start -w}: the postmaster outlives pg_ctl (and a killed service) and writes to the
     * pipe pg_ctl got, which a daemon thread drains to the debug log; its last lines explain a failed start.
     */
    private void startPostmaster(int port) throws IOException {
        List<String> options = new ArrayList<>(List.of("-p", Integer.toString(port), "-F"));
        Map.of("timezone", "UTC", "synchronous_commit", "off", "max_connections", "300",
                "listen_addresses", HOST, "unix_socket_directories", pgData.toString(),
                "password_encryption", "scram-sha-256").forEach((key, value) -> {
                    options.add("-c");
                    options.add(shellQuoted(key + "=" + value));
                });
        Process pgCtl = process("pg_ctl", List.of("-D", pgData.toString(), "-o", String.join(" ", options), "-w",
                "-t", "60", "start"));
        OutputDrain drain = OutputDrain.start(pgCtl, "postgres");
        int exit = waitFor(pgCtl, 90, "pg_ctl start");
        if (exit != 0) {
            drain.awaitEnd(10);
            if (!portFree(port)) {
                // Taken since requirePortFree: the postmaster could not bind it (its last lines say so).
                throw new IllegalStateException(portTaken(port) + "\n" + drain.tail());
            }
            throw new IllegalStateException("The embedded PostgreSQL did not start (pg_ctl start exited with " + exit
                    + "; data " + pgData + ", OS user " + user.name() + "):\n" + drain.tail());
        }
    }

    /**
     * Someone else listens on the port (another PostgreSQL, an earlier instance of another DATA_DIR,
     * any program): the start stops here, naming the port and the setting, rather than letting
     * PostgreSQL fail to bind, or the pool reach that listener.
     */
    private static void requirePortFree(int port) throws IOException {
        if (!portFree(port)) {
            throw new IllegalStateException(portTaken(port));
        }
    }

    private static String portTaken(int port) {
        return "The embedded PostgreSQL cannot listen on " + HOST + ":" + port + ": the port is taken (another"
                + " PostgreSQL, another program or another tenant-onboarding instance listens there). Set "
                + PORT_VARIABLE + " (onboarding.embedded-postgres.port) to a free port, or PGHOST to use your own"
                + " PostgreSQL.";
    }

    /** Whether the port can be bound on HOST now (as PostgreSQL binds it: SO_REUSEADDR, so TIME_WAIT is no obstacle). */
    private static boolean portFree(int port) throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return true;
        } catch (BindException taken) {
            return false;
        }
    }

    /** pg_ctl hands {@code -o} to a shell. */
    private static String shellQuoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * After a kill -9 of the service, the postmaster it started keeps running and holds the data
     * directory. Ask it to shut down (SIGINT: fast shutdown) before starting a fresh one; only a
     * PostgreSQL postmaster, whatever pid the (PostgreSQL user's) pid file names.
     */
    private static void stopOrphanedPostmaster(Path pgData) {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Optional<ProcessHandle> postmaster;
        try {
            String firstLine = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
            postmaster = ProcessHandle.of(Long.parseLong(firstLine));
        } catch (IOException | NumberFormatException e) {
            return;
        }
        postmaster.filter(ProcessHandle::isAlive)
                .filter(process -> process.info().command().map(command -> command.endsWith("/bin/postgres")).orElse(false))
                .ifPresent(process -> {
                    LOG.warn("Stopping PostgreSQL (pid {}) left running by an earlier, killed instance", process.pid());
                    try {
                        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start().waitFor();
                        process.onExit().get(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot stop the orphaned postmaster " + process.pid(), e);
                    }
                });
    }

    /** One of the binaries, as the PostgreSQL user, to its end; its output is the exception's message on failure. */
    private void run(String binary, List<String> arguments) throws IOException {
        Process process = process(binary, arguments);
        OutputDrain drain = OutputDrain.start(process, binary);
        int exit = waitFor(process, 300, binary);
        drain.awaitEnd(10);
        if (exit != 0) {
            throw new IllegalStateException(binary + " of the embedded PostgreSQL exited with " + exit + " (data " + pgData
                    + ", OS user " + user.name() + "):\n" + drain.tail());
        }
    }

    /**
     * Run as the PostgreSQL user, in its data directory, with only PATH and the locale of the
     * service's environment: its secrets (tokens, passwords in variables) are none of PostgreSQL's.
     */
    private Process process(String binary, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(binaries.resolve("bin").resolve(binary).toString());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(user.command(command)).directory(pgData.toFile())
                .redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        Map<String, String> inherited = Map.copyOf(environment);
        environment.clear();
        environment.put("PATH", inherited.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        inherited.forEach((key, value) -> {
            if (key.equals("LANG") || key.equals("LANGUAGE") || key.startsWith("LC_") || key.equals("TZ")) {
                environment.put(key, value);
            }
        });
        return builder.start();
    }

    private static int waitFor(Process process, int seconds, String what) throws IOException {
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(what + " of the embedded PostgreSQL did not end within " + seconds + " s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + what, e);
        }
    }

    /** Reads a process's output to its end on a daemon thread, keeping the last lines. */
    private static final class OutputDrain {
        private final Deque<String> tail = new ArrayDeque<>();
        private final Thread thread;

        private OutputDrain(Process process, String name) {
            thread = new Thread(() -> {
                try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        LOG.debug("{}: {}", name, line);
                        synchronized (tail) {
                            tail.addLast(line);
                            if (tail.size() > OUTPUT_TAIL_LINES) {
                                tail.removeFirst();
                            }
                        }
                    }
                } catch (IOException closed) {
                    LOG.debug("{}: output closed: {}", name, closed.toString());
                }
            }, "embedded-postgres-" + name + "-output");
            thread.setDaemon(true);
        }

        static OutputDrain start(Process process, String name) {
            OutputDrain drain = new OutputDrain(process, name);
            drain.thread.start();
            return drain;
        }

        void awaitEnd(int seconds) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(seconds));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String tail() {
            synchronized (tail) {
                return String.join("\n", tail);
            }
        }
    }

    public PostgresCluster cluster() {
        return cluster;
    }

    /** The OS user its processes run as. */
    public PostgresOsUser osUser() {
        return user;
    }

    /**
     * The JVM is exiting. Shutdown hooks run at once and side by side, Camel Main's among them, which
     * stops the service gracefully: stopping PostgreSQL here and now would pull the database from
     * under the operations and requests it lets finish. So the owner's {@link #close} is awaited, and
     * only one that does not come within {@link #OWNER_GRACE} has the server stopped here.
     */
    private void stopWithJvm() {
        try {
            if (stopped.await(OWNER_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.warn("The JVM is exiting and the embedded PostgreSQL was not stopped by the service within {} s: stopping"
                + " it now", OWNER_GRACE.toSeconds());
        stopQuietly();
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (Exception e) {
            LOG.error("Could not stop the embedded PostgreSQL (data {})", pgData, e);
        }
    }

    /** {@code pg_ctl stop -m fast}, waiting until the postmaster is gone; once. */
    private synchronized void stop() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            run("pg_ctl", List.of("-D", pgData.toString(), "stop", "-m", "fast", "-w", "-t", "60"));
            LOG.info("Embedded PostgreSQL stopped (data {})", pgData);
        } finally {
            stopped.countDown(); // last: the JVM may exit as soon as the hook sees it
        }
    }

    @Override
    public void close() throws IOException {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook); // false when never added
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: stop() runs once either way
        }
        stop();
    }
}
