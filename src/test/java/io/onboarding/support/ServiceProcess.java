package io.onboarding.support;

import static org.awaitility.Awaitility.await;

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

    private final Process process;
    private final Path log;
    private final ApiClient api;

    private ServiceProcess(Process process, Path log, ApiClient api) {
        this.process = process;
        this.log = log;
        this.api = api;
    }

    /** Starts the jar with exactly this environment (plus PATH and HOME) and waits until it is healthy. */
    public static ServiceProcess start(String name, Map<String, String> environment, String... jvmOptions)
            throws Exception {
        Path log = log(name);
        Process process = launch(log, environment, jvmOptions);
        ApiClient api = new ApiClient("http://localhost:" + environment.get("SERVER_PORT"),
                environment.get("ONBOARDING_API_TOKEN"));
        ServiceProcess service = new ServiceProcess(process, log, api);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("the service exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                return api.withToken(null).get("/observe/health").status() == 200;
            } catch (IllegalStateException notYet) {
                return false;
            }
        });
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
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
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
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-jar", jar));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(key -> !key.equals("PATH") && !key.equals("HOME"));
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        builder.directory(new File("."));
        return builder.start();
    }

    public ApiClient api() {
        return api;
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

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
