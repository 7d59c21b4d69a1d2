package io.onboarding.support;

import static org.awaitility.Awaitility.await;

import io.onboarding.web.FrontGate;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged service ({@code java -jar target/tenant-onboarding.jar}) as a separate OS process. */
public final class ServiceProcess implements AutoCloseable {

    /**
     * The JIT's first tier only: a service the tests start lives seconds to a minute, in which the
     * optimising compiler costs more CPU than it wins (a third of a start's CPU, measured), and the suite
     * runs on few cores. What the service does is the same.
     */
    public static final String QUICK_START = "-XX:TieredStopAtLevel=1";

    private final Process process;
    private final Path log;
    private final ApiClient api;
    private final int port;
    private final Path dataDir;

    private ServiceProcess(Process process, Path log, ApiClient api, int port, Path dataDir) {
        this.process = process;
        this.log = log;
        this.api = api;
        this.port = port;
        this.dataDir = dataDir;
    }

    /**
     * Starts the jar with exactly this environment (plus PATH and HOME) and waits until it is healthy.
     * A free port picked by the test can be taken by another process before the service binds it (an
     * outgoing connection's ephemeral port, on a busy machine): then the start is tried again on
     * another port, at most twice ({@link #port()} says which).
     */
    public static ServiceProcess start(String name, Map<String, String> environment, String... jvmOptions)
            throws Exception {
        Map<String, String> env = new java.util.HashMap<>(environment);
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(name, env, jvmOptions);
            } catch (PortTaken taken) {
                if (attempt == 3) {
                    throw new AssertionError(taken.getMessage());
                }
                env.put("SERVER_PORT", Integer.toString(TestPostgres.freePort()));
            }
        }
    }

    private static final class PortTaken extends RuntimeException {
        PortTaken(String output) {
            super("the service's HTTP port was taken three times:\n" + output);
        }
    }

    private static ServiceProcess startOnce(String name, Map<String, String> environment, String... jvmOptions)
            throws Exception {
        Path log = log(name);
        Process process = launch(log, environment, jvmOptions);
        int port = Integer.parseInt(environment.get("SERVER_PORT"));
        ApiClient api = new ApiClient("http://localhost:" + port, environment.get("ONBOARDING_API_TOKEN"));
        ServiceProcess service = new ServiceProcess(process, log, api, port,
                environment.containsKey("DATA_DIR") ? Path.of(environment.get("DATA_DIR")) : null);
        try {
            // Generous: on a busy machine (the suite runs several test JVMs on few cores) a start that
            // unpacks and initialises its own PostgreSQL can take a minute or more.
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!process.isAlive()) {
                    String output = Files.readString(log);
                    if (output.contains(FrontGate.PORT_TAKEN)) {
                        throw new PortTaken(output);
                    }
                    throw new AssertionError("the service exited with " + process.exitValue() + ":\n" + output);
                }
                try {
                    return api.withToken(null).get("/observe/health").status() == 200;
                } catch (IllegalStateException notYet) {
                    return false;
                }
            });
        } catch (RuntimeException | Error notStarted) {
            service.close(); // a start that never became healthy is still stopped, with its PostgreSQL
            throw notStarted;
        }
        return service;
    }

    /** How a start that is meant to fail ended: its exit code and everything it printed. */
    public record Exit(int code, String output, Duration took) {
    }

    /** Starts the jar and waits (at most {@code within}) for it to exit by itself. */
    public static Exit startExpectingExit(String name, Map<String, String> environment, Duration within,
            String... jvmOptions) throws Exception {
        Path log = log(name);
        long started = System.nanoTime();
        Process process = launch(log, environment, jvmOptions);
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            // SIGTERM first, so that it stops what it started (an embedded PostgreSQL outlives a kill -9).
            process.destroy();
            if (!process.waitFor(40, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            throw new AssertionError("the service was expected to exit within " + within + " but kept running:\n"
                    + Files.readString(log));
        }
        return new Exit(process.exitValue(), Files.readString(log), Duration.ofNanos(System.nanoTime() - started));
    }

    private static Path log(String name) throws Exception {
        Path log = Path.of("target", "service-" + name + ".log");
        Files.createDirectories(log.getParent());
        return log;
    }

    /** {@code java [jvmOptions] -jar the.jar} with exactly this environment (plus PATH and HOME), output to {@code log}. */
    private static Process launch(Path log, Map<String, String> environment, String... jvmOptions) throws Exception {
        String jar = System.getProperty("service.jar", "target/tenant-onboarding.jar");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The service's scratch files go where the test JVM's go (target/test-tmp), not to the system's /tmp.
        command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        command.add(QUICK_START);
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-jar", jar));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(key -> !key.equals("PATH") && !key.equals("HOME"));
        builder.environment().put("TMPDIR", System.getProperty("java.io.tmpdir"));
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        builder.directory(new File("."));
        return builder.start();
    }

    public ApiClient api() {
        return api;
    }

    /** The HTTP port it listens on. */
    public int port() {
        return port;
    }

    public String output() throws Exception {
        return Files.readString(log);
    }

    /** kill -9: no shutdown hook, no clean-up. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM; returns how long the process took to exit. */
    public Duration terminate() throws InterruptedException {
        long start = System.nanoTime();
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the service ignored SIGTERM for 60 s");
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** SIGTERM without waiting: the test watches the process stop ({@link #awaitExit}). */
    public void signalTerminate() {
        process.destroy();
    }

    /** Waits at most {@code within} for the process to exit; its exit code. */
    public int awaitExit(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("the service did not exit within " + within);
        }
        return process.exitValue();
    }

    /**
     * Stops the service as an operator would (SIGTERM), so that it stops its embedded PostgreSQL; only if
     * it ignores that, kill -9 and then the PostgreSQL that kill left running: the suite leaves no process
     * behind. A service the test killed itself ({@link #kill}) is left as the kill left it (the test
     * starts the next one on its DATA_DIR, which replaces the orphan).
     */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
                stopOrphanedPostgres(dataDir);
            }
        }
    }

    /** The postmaster of DATA_DIR's embedded PostgreSQL, if one still runs (its service was killed), stopped. */
    public static void stopOrphanedPostgres(Path dataDir) throws InterruptedException {
        if (dataDir == null) {
            return;
        }
        Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return;
            }
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            java.util.Optional<ProcessHandle> postmaster = ProcessHandle.of(pid)
                    .filter(handle -> handle.info().command().map(command -> command.endsWith("/postgres")).orElse(false));
            if (postmaster.isPresent()) {
                postmaster.get().destroy(); // SIGTERM: a smart shutdown
                postmaster.get().onExit().get(60, TimeUnit.SECONDS);
            }
        } catch (java.io.IOException | RuntimeException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("could not stop the embedded PostgreSQL of " + dataDir + ": " + e, e);
        }
    }
}
