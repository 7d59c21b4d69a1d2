package io.onboarding.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.postgres.PostgresCluster;
import java.io.File;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real Prometheus, Alertmanager and postgres_exporter, each started on a loopback port as
 * a child process (log in {@code target/<name>-<port>.log}) and waited for until it answers.
 */
public final class MonitoringDaemons {

    private MonitoringDaemons() {
    }

    /** A running daemon: its port, an HTTP client for it, and how to stop it. */
    public record Daemon(Process process, int port) implements AutoCloseable {

        public ApiClient http() {
            return new ApiClient("http://127.0.0.1:" + port, null);
        }

        /** A Prometheus instant query's whole answer ({@code status}, {@code data}, {@code error}). */
        public JsonNode answer(String promql) {
            return http().get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).body();
        }

        /** A Prometheus instant query's {@code data.result}. */
        public JsonNode query(String promql) {
            return answer(promql).get("data").get("result");
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /**
     * Prometheus with the given configuration (written to {@code dir/prometheus.yml}), reloadable
     * ({@code --web.enable-lifecycle}). Firing alerts are sent again every second, not every minute: a
     * reload (the service asks for one when it changes rules or targets) drops the notifier's
     * Alertmanagers for a moment, and an alert that fired then would otherwise reach Alertmanager only
     * a minute later.
     */
    public static Daemon prometheus(Path dir, int port, String configYaml) throws Exception {
        Path config = Files.writeString(dir.resolve("prometheus.yml"), configYaml);
        return start(port, "/-/ready", new ProcessBuilder("prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + Files.createTempDirectory("prometheus-data"),
                "--web.listen-address=127.0.0.1:" + port, "--web.enable-lifecycle",
                "--rules.alert.resend-delay=1s"), "prometheus");
    }

    /**
     * Prometheus watching a service on {@code servicePort} whose {@code PROMETHEUS_CONFIG_DIR} is
     * {@code dir}: the service's rules evaluated and the service scraped every second. {@code
     * moreJobs} (scrape jobs, indented as list items) and {@code moreSections} (top-level, e.g.
     * {@code alerting}) are added as given.
     */
    public static Daemon prometheusForService(Path dir, int servicePort, String moreJobs, String moreSections)
            throws Exception {
        // /observe/metrics wants a token: the service's admin token, from a file as in docker/prometheus.
        Path token = Files.createTempFile("metrics-token", "");
        Files.writeString(token, RunningService.TOKEN);
        return prometheus(dir, TestPostgres.freePort(), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %1$s/rules/*.yml
                scrape_configs:
                  - job_name: tenant-onboarding
                    metrics_path: /observe/metrics
                    authorization:
                      credentials_file: %3$s
                    static_configs:
                      - targets: ["127.0.0.1:%2$d"]
                """.formatted(dir, servicePort, token) + moreJobs + moreSections);
    }

    /**
     * The settings of the service that Prometheus watches: its port, where it writes rules and
     * targets, the Prometheus it asks to reload, and tenant figures collected every 300 ms.
     */
    public static Map<String, String> watchedService(Path dir, int servicePort, Daemon prometheus) {
        return Map.of("onboarding.server.port", Integer.toString(servicePort),
                "onboarding.prometheus.config-dir", dir.toString(),
                "onboarding.prometheus.url", "http://127.0.0.1:" + prometheus.port(),
                "onboarding.monitoring.collect-interval-ms", "300");
    }

    /** Alertmanager with the given configuration file, gossip (HA clustering) off. */
    public static Daemon alertmanager(Path config, int port) throws Exception {
        return start(port, "/-/ready", new ProcessBuilder("prometheus-alertmanager", "--config.file=" + config,
                "--storage.path=" + Files.createTempDirectory("alertmanager-data"),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address="), "alertmanager");
    }

    /** The postgres_exporter for the test cluster, connected as its superuser. */
    public static Daemon postgresExporter(int port) throws Exception {
        PostgresCluster pg = TestPostgres.cluster();
        ProcessBuilder exporter = new ProcessBuilder("prometheus-postgres-exporter",
                "--web.listen-address=127.0.0.1:" + port);
        exporter.environment().put("DATA_SOURCE_NAME", "host=" + pg.host() + " port=" + pg.port() + " user="
                + pg.user() + " password='" + (pg.password() == null ? "" : pg.password().replace("'", "\\'"))
                + "' dbname=postgres sslmode=disable");
        return start(port, "/metrics", exporter, "postgres-exporter");
    }

    /** Runs a command line tool (promtool, amtool) to its end: its exit code and output. */
    public static ToolRun run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new ToolRun(process.waitFor(), output);
    }

    public record ToolRun(int exitCode, String output) {
    }

    private static Daemon start(int port, String readyPath, ProcessBuilder builder, String name) throws Exception {
        Process process = builder.redirectErrorStream(true)
                .redirectOutput(new File("target/" + name + "-" + port + ".log")).start();
        Daemon daemon = new Daemon(process, port);
        ApiClient client = daemon.http();
        try {
            await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> client.get(readyPath).status() == 200);
        } catch (RuntimeException | Error notReady) {
            daemon.close(); // not left running by a test that failed to start it
            throw notReady;
        }
        return daemon;
    }
}
