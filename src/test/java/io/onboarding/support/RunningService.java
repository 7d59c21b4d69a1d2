package io.onboarding.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.TenantOnboardingService;
import io.onboarding.web.FrontGate;
import io.onboarding.postgres.PostgresCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The service started in-process on its own control-plane database and data directory, pointed at
 * {@link TestPostgres}; one per test class.
 */
public final class RunningService implements AutoCloseable {

    public static final String TOKEN = "test-admin-token-0123456789";

    private final TenantOnboardingService service;
    private final ApiClient api;
    private final String platformDb;
    private final Map<String, String> settings;

    private RunningService(TenantOnboardingService service, String platformDb, Map<String, String> settings) {
        this.service = service;
        this.platformDb = platformDb;
        this.settings = settings;
        this.api = new ApiClient("http://localhost:" + service.port(), TOKEN);
    }

    public static RunningService start(String platformDb) throws Exception {
        return start(platformDb, Map.of());
    }

    public static RunningService start(String platformDb, Map<String, String> extra) throws Exception {
        return start(platformDb, extra, Files.createTempDirectory("onboarding-test-data"));
    }

    /** On a given data directory: the same again after {@link #close()} is a restart of the service. */
    public static RunningService start(String platformDb, Map<String, String> extra, Path dataDir) throws Exception {
        return start(platformDb, extra, dataDir, TestPostgres::freePort);
    }

    /**
     * As above, its HTTP port from {@code ports}. A free port picked here can be taken by another
     * process before the service binds it (an outgoing connection's ephemeral port, on a busy
     * machine); the service then refuses to start, naming the port, and is started again on the next
     * port, at most twice. A port given in {@code extra} is used as it is.
     */
    static RunningService start(String platformDb, Map<String, String> extra, Path dataDir,
                                java.util.function.IntSupplier ports) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(platformDb, extra, dataDir, ports.getAsInt());
            } catch (Exception e) {
                if (attempt == 3 || extra.containsKey("onboarding.server.port") || !portTaken(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean portTaken(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause.getMessage() != null && cause.getMessage().contains(FrontGate.PORT_TAKEN)) {
                return true;
            }
        }
        return false;
    }

    private static RunningService startOnce(String platformDb, Map<String, String> extra, Path dataDir, int port)
            throws Exception {
        PostgresCluster pg = TestPostgres.cluster();
        Map<String, String> overrides = new HashMap<>(Map.of(
                "onboarding.postgres.host", pg.host(),
                "onboarding.postgres.port", Integer.toString(pg.port()),
                "onboarding.postgres.user", pg.user(),
                "onboarding.postgres.password", pg.password() == null ? "" : pg.password(),
                "onboarding.platform-db", platformDb,
                "onboarding.data-dir", dataDir.toString(),
                "onboarding.server.port", Integer.toString(port),
                "onboarding.api-token", TOKEN,
                "onboarding.operations.recovery-interval-ms", "1000",
                "onboarding.public-base-url", "http://onboarding.test"));
        overrides.put("onboarding.jms.embedded-port", Integer.toString(TestPostgres.freePort()));
        // Approval has its own test (TenantApprovalTest); elsewhere an enterprise tenant is provisioned at once.
        overrides.put("onboarding.approval.plans", "");
        overrides.putAll(extra);
        LogCapture.start();
        SecretsSeen.record(TOKEN);
        if (pg.password() != null) {
            SecretsSeen.record(pg.password());
        }
        SecretsSeen.record(overrides.get("onboarding.jms.password"));
        return new RunningService(TenantOnboardingService.start(Map.of(), overrides), platformDb,
                Map.copyOf(overrides));
    }

    public int port() {
        return service.port();
    }

    /** The service's DATA_DIR. */
    public Path dataDir() {
        return Path.of(settings.get("onboarding.data-dir"));
    }

    public ApiClient api() {
        return api;
    }

    public Catalog catalog() {
        return new Catalog(TestPostgres.cluster(), platformDb);
    }

    /** A client of the service's embedded broker, as the user and password the test set (onboarding.jms.password). */
    public ActiveMQConnectionFactory jmsClient() {
        String password = settings.get("onboarding.jms.password");
        if (password == null) {
            throw new IllegalStateException("start the service with onboarding.jms.password to connect to its broker");
        }
        return new ActiveMQConnectionFactory("tcp://127.0.0.1:" + settings.get("onboarding.jms.embedded-port"),
                settings.getOrDefault("onboarding.jms.user", "onboarding"), password);
    }

    /** Posts a tenant and waits until its operation has finished; returns the operation. */
    public JsonNode provision(String json) {
        ApiClient.Response accepted = api.post("/api/v1/tenants", json);
        if (accepted.status() != 202) {
            throw new AssertionError("expected 202, got " + accepted.status() + ": " + accepted.body());
        }
        return awaitOperation(accepted.body().get("operation_id").asText());
    }

    /** A new active tenant of the plan; returns its id. */
    public java.util.UUID activeTenant(String plan, String adminEmail) {
        java.util.UUID tenantId = java.util.UUID.randomUUID();
        JsonNode operation = provision("""
                {"tenant_id":"%s","tenant_name":"T %s","plan":"%s","region":"local"%s}""".formatted(tenantId,
                tenantId.toString().substring(0, 13), plan,
                adminEmail == null ? "" : ",\"admin_email\":\"" + adminEmail + "\""));
        if (!operation.get("status").asText().equals("succeeded")) {
            throw new AssertionError("provisioning failed: " + operation);
        }
        return tenantId;
    }

    public JsonNode awaitOperation(String operationId) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> api.get("/api/v1/operations/" + operationId).body(),
                        operation -> !operation.get("status").asText().equals("running"));
    }

    @Override
    public void close() {
        service.close();
    }
}
