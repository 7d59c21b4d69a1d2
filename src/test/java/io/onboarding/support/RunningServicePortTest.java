package io.onboarding.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The in-process service on a taken HTTP port: refused naming it, and started again on another by the harness. */
class RunningServicePortTest {

    private static final String PLATFORM_DB = "platform_running_service_port_test";

    @Test
    void aTakenPortIsNamedAndThePickedOneIsReplaced() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> RunningService.start(PLATFORM_DB, Map.of("onboarding.server.port",
                    Integer.toString(port)), Files.createTempDirectory("onboarding-port-test")))
                    .hasStackTraceContaining("the HTTP server is not listening on port " + port);

            AtomicInteger picks = new AtomicInteger();
            try (RunningService service = RunningService.start(PLATFORM_DB, Map.of(),
                    Files.createTempDirectory("onboarding-port-test"),
                    () -> picks.getAndIncrement() == 0 ? port : TestPostgres.freePort())) {
                assertThat(picks.get()).isEqualTo(2);
                assertThat(service.port()).isNotEqualTo(port);
                assertThat(service.api().withToken(null).get("/observe/health").status()).isEqualTo(200);
            }
        }
    }
}
