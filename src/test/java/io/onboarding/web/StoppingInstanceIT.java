package io.onboarding.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.onboarding.support.ServiceProcess;
import io.onboarding.support.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged service stopped with SIGTERM while a client keeps asking it for a path that exists:
 * until its listener closes it answers as usual or 503 with Retry-After (in the error shape), never
 * 404, which no client retries. Each probe is a new connection (as a client behind a load balancer
 * opens them), the request written by hand so that a refused connection is told apart from one cut
 * off.
 */
class StoppingInstanceIT {

    private static final String PATH = "/api/v1/tenants";
    private static final int CLIENTS = 3;

    /** One answer, or how the connection failed. */
    private record Probe(int status, String retryAfter, String body, String failure) {
        boolean refused() {
            return failure != null && failure.startsWith("refused");
        }

        @Override
        public String toString() {
            return failure != null ? failure : status + (retryAfter == null ? "" : " Retry-After: " + retryAfter);
        }
    }

    @Test
    void afterSigtermAPathThatExistsIsAnswered503WithRetryAfterOrRefusedNever404() throws Exception {
        Path dataDir = Files.createTempDirectory("onboarding-stopping");
        int pgPort = TestPostgres.freePort();
        int jmsPort = TestPostgres.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("DATA_DIR", dataDir.toString());
        env.put("SERVER_PORT", Integer.toString(TestPostgres.freePort()));
        env.put("PG_EMBEDDED_PORT", Integer.toString(pgPort));
        env.put("JMS_EMBEDDED_PORT", Integer.toString(jmsPort));
        try (ServiceProcess service = ServiceProcess.start("stopping", env)) {
            // The contract's variables move the embedded ports.
            assertThat(service.output()).contains("Embedded PostgreSQL 15 listening on 127.0.0.1:" + pgPort)
                    .contains("Embedded Artemis broker listening on tcp://127.0.0.1:" + jmsPort);
            String token = Files.readString(dataDir.resolve("api-token")).trim();
            assertThat(probe(service.port(), token).status()).isEqualTo(200);

            // Several clients at once, so that one whose request is held up does not blind the test.
            List<Probe> probes = java.util.Collections.synchronizedList(new ArrayList<>());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<Probe>> lasts = new ArrayList<>();
            List<Probe> lastProbes = new ArrayList<>();
            long sigterm = System.nanoTime();
            service.signalTerminate();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    lasts.add(clients.submit(() -> {
                        Probe last;
                        do {
                            last = probe(service.port(), token);
                            probes.add(last);
                        } while (!last.refused() && System.nanoTime() < deadline);
                        return last;
                    }));
                }
                for (Future<Probe> last : lasts) {
                    lastProbes.add(last.get(90, TimeUnit.SECONDS));
                }
            } finally {
                clients.shutdownNow();
                assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            }
            int exit = service.awaitExit(Duration.ofSeconds(60));
            Duration stopped = Duration.ofNanos(System.nanoTime() - sigterm);

            Map<String, Long> seen = probes.stream().collect(Collectors.groupingBy(Probe::toString,
                    java.util.TreeMap::new, Collectors.counting()));
            System.out.println("Probes after SIGTERM: " + seen);
            assertThat(lastProbes).as("each client's probes ended by a refused connection: %s", seen)
                    .allMatch(Probe::refused);
            assertThat(probes).as("answers after SIGTERM: %s", seen).noneMatch(probe -> probe.status() == 404)
                    .allMatch(probe -> probe.failure() != null || probe.status() == 200 || probe.status() == 503,
                            "200, 503 or no connection");
            assertThat(probes.stream().filter(probe -> probe.status() == 503)).as("503s: %s", seen)
                    .allSatisfy(unavailable -> {
                        assertThat(unavailable.retryAfter()).as("Retry-After").isNotBlank();
                        assertThat(unavailable.body()).contains("\"error\"").contains("\"code\"");
                    });
            assertThat(exit).as("exit code after SIGTERM").isIn(0, 143);
            assertThat(stopped).isLessThan(Duration.ofSeconds(30));
            // Its PostgreSQL stays up while requests are answered and operations finish: stopped after Camel.
            String output = service.output();
            assertThat(output).contains("Embedded PostgreSQL stopped");
            assertThat(output.indexOf("Embedded PostgreSQL stopped"))
                    .as("the embedded PostgreSQL is stopped only once Camel has stopped")
                    .isGreaterThan(output.indexOf("(tenant-onboarding) shutdown in"))
                    .isGreaterThan(output.indexOf("Vert.x HttpServer stopped"));
        } finally {
            deleteTree(dataDir);
        }
    }

    /** GET PATH with the token on a new connection, read to its end. */
    private static Probe probe(int port, String token) {
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            } catch (ConnectException refused) {
                return new Probe(0, null, null, "refused");
            }
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + PATH + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nAuthorization: Bearer " + token
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = readAll(socket.getInputStream());
            if (response.isEmpty()) {
                return new Probe(0, null, null, "closed without an answer");
            }
            String[] headAndBody = response.split("\r\n\r\n", 2);
            String[] lines = headAndBody[0].split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            String retryAfter = null;
            for (String line : lines) {
                if (line.toLowerCase(Locale.ROOT).startsWith("retry-after:")) {
                    retryAfter = line.substring("retry-after:".length()).trim();
                }
            }
            return new Probe(status, retryAfter, headAndBody.length > 1 ? headAndBody[1] : "", null);
        } catch (IOException cut) {
            return new Probe(0, null, null, "connection failed: " + cut.getClass().getSimpleName());
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        return bytes.toString(StandardCharsets.UTF_8);
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
