package io.onboarding;

import io.onboarding.access.BootstrapToken;
import io.onboarding.observe.DependencyHealthCheck;
import io.onboarding.config.DataDirectoryLock;
import io.onboarding.broker.MessageBroker;
import io.onboarding.postgres.PostgresCluster;
import io.onboarding.postgres.PostgresPlatform;
import io.onboarding.config.SecretFiles;
import io.onboarding.secrets.SecretStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.CamelContextHelper;

/**
 * What the service runs on: the data directory (locked for this instance), PostgreSQL with the
 * control-plane pool, the JMS broker, and the admin token (ONBOARDING_API_TOKEN, or generated once
 * into {@code $DATA_DIR/api-token}, 0600).
 */
final class Infrastructure implements AutoCloseable {

    private final DataDirectoryLock dataDirLock;
    private final PostgresPlatform postgres;
    private final MessageBroker broker;
    private final String apiToken;
    private final Path apiTokenFile;
    private boolean closed;

    private Infrastructure(DataDirectoryLock dataDirLock, PostgresPlatform postgres, MessageBroker broker,
                           String apiToken, Path apiTokenFile) {
        this.dataDirLock = dataDirLock;
        this.postgres = postgres;
        this.broker = broker;
        this.apiToken = apiToken;
        this.apiTokenFile = apiTokenFile;
    }

    /** {@code setting} resolves an {@code onboarding.*} key through the property layers (empty when unset). */
    static Infrastructure start(UnaryOperator<String> setting) throws Exception {
        Path dataDir = Files.createDirectories(Path.of(setting.apply("onboarding.data-dir")).toAbsolutePath().normalize());
        // First of all: a second instance on this DATA_DIR stops here, before touching PostgreSQL or Artemis.
        DataDirectoryLock lock = DataDirectoryLock.acquire(dataDir);
        PostgresPlatform postgres;
        try {
            postgres = PostgresPlatform.open(setting, dataDir);
        } catch (Exception e) {
            try (lock) {
                throw e;
            }
        }
        try {
            String token = setting.apply("onboarding.api-token");
            Path tokenFile = token.isEmpty() ? dataDir.resolve("api-token") : null;
            if (tokenFile != null) {
                token = SecretFiles.readOrCreate(tokenFile, () -> SecretFiles.randomToken(32));
            }
            return new Infrastructure(lock, postgres, MessageBroker.open(setting, dataDir), token, tokenFile);
        } catch (Exception e) {
            try (lock; postgres) {
                throw e;
            }
        }
    }

    /** Bound before the feature configurations are processed, so they can take these. */
    void bindTo(CamelContext camel) {
        camel.getRegistry().bind("postgresCluster", postgres.cluster());
        camel.getRegistry().bind("controlPlane", postgres.controlPlane());
        camel.getRegistry().bind("bootstrapToken", new BootstrapToken(apiToken));
        JmsComponent jms = JmsComponent.jmsComponent(broker.connectionFactory());
        // JMS properties become headers too: none may stand in for one the routes use themselves.
        jms.setHeaderFilterStrategy(new io.onboarding.web.InboundJmsHeaderFilter());
        camel.addComponent("jms", jms);
    }

    /** Readiness is about dependencies: the control-plane database, the broker, the secret store. */
    void registerHealthChecks(CamelContext camel) {
        SecretStore secrets = CamelContextHelper.mandatoryLookup(camel, "secretStore", SecretStore.class);
        HealthCheckRegistry health = HealthCheckRegistry.get(camel);
        health.register(new DependencyHealthCheck("control-plane-database", () -> {
            try (var connection = postgres.controlPlane().getConnection()) {
                connection.isValid(2);
            }
        }));
        health.register(new DependencyHealthCheck("jms-broker", () -> broker.connectionFactory().createConnection().close()));
        health.register(new DependencyHealthCheck("secret-store", secrets::checkAccess));
    }

    PostgresCluster cluster() {
        return postgres.cluster();
    }

    String apiToken() {
        return apiToken;
    }

    /** Where the admin token is, as printed at startup. */
    String apiTokenSource() {
        return apiTokenFile == null ? "from ONBOARDING_API_TOKEN" : "in " + apiTokenFile;
    }

    /** The broker, then the pool and the PostgreSQL server under it, then the data directory's lock; once. */
    @Override
    public synchronized void close() throws Exception {
        if (!closed) {
            closed = true;
            try (dataDirLock; postgres; broker) {
                // closed in reverse order of declaration
            }
        }
    }
}
