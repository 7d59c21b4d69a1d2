package io.onboarding;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.onboarding.api.ApiConfiguration;
import io.onboarding.api.BearerTokenGuard;
import io.onboarding.backup.BackupConfiguration;
import io.onboarding.events.EventsConfiguration;
import io.onboarding.identity.IdentityConfiguration;
import io.onboarding.inbound.InboundConfiguration;
import io.onboarding.monitoring.DependencyHealthCheck;
import io.onboarding.monitoring.MonitoringConfiguration;
import io.onboarding.operation.OperationConfiguration;
import io.onboarding.operation.OperationRunner;
import io.onboarding.platform.ClusterLockdown;
import io.onboarding.platform.ControlPlaneDatabase;
import io.onboarding.platform.EmbeddedBroker;
import io.onboarding.platform.EmbeddedPostgresServer;
import io.onboarding.platform.PostgresCluster;
import io.onboarding.platform.PropertyLayers;
import io.onboarding.platform.SecretFiles;
import io.onboarding.secrets.SecretStore;
import io.onboarding.secrets.SecretsConfiguration;
import io.onboarding.tenant.TenantConfiguration;
import io.onboarding.users.UsersConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * Runs Camel Main with the service's infrastructure: settings (see {@link PropertyLayers}), PostgreSQL
 * (embedded or external) with the control-plane pool, the JMS broker, the admin token, and health
 * checks on those. Each feature package wires its own beans in a configuration class; they are bound
 * lazily, built the first time something asks for them (so their order does not matter), then all
 * built before the routes start, so a wiring mistake stops startup.
 */
public final class TenantOnboardingService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TenantOnboardingService.class);

    private final Main main = new Main();
    private final PrometheusMeterRegistry meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private EmbeddedPostgresServer embeddedPostgres;
    private HikariDataSource controlPlane;
    private EmbeddedBroker broker;
    private CachingConnectionFactory jms;
    private PostgresCluster cluster;
    private OperationRunner runner;
    private String apiToken;
    private Path apiTokenFile;

    private TenantOnboardingService(Map<String, String> environment, Map<String, String> overrides) {
        // Bound before Camel configures itself, so camel-micrometer-prometheus serves this registry.
        main.bind(MicrometerConstants.METRICS_REGISTRY_NAME, meterRegistry);
        main.configure().setRoutesIncludePattern(Files.isDirectory(Path.of("routes"))
                ? "file:routes/*.yaml" : "classpath:routes/*.yaml");
        List.of(new SecretsConfiguration(), new MonitoringConfiguration(), new OperationConfiguration(),
                new EventsConfiguration(), new TenantConfiguration(), new UsersConfiguration(),
                new IdentityConfiguration(), new InboundConfiguration(), new BackupConfiguration(),
                new ApiConfiguration()).forEach(main.configure()::addConfiguration);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeInitialize(BaseMainSupport main) {
                PropertyLayers.applyTo(main.getCamelContext().getPropertiesComponent(), environment, overrides, Path.of(""));
            }

            @Override
            public void beforeConfigure(BaseMainSupport main) {
                try {
                    startInfrastructure(main.getCamelContext());
                } catch (Exception e) {
                    throw RuntimeCamelException.wrapRuntimeCamelException(e);
                }
            }

            @Override
            public void afterConfigure(BaseMainSupport main) {
                buildFeatureBeans(main.getCamelContext());
            }

            @Override
            public void beforeStop(BaseMainSupport main) {
                stopOperations();
            }

            @Override
            public void afterStop(BaseMainSupport main) {
                closeResources();
            }
        });
    }

    /** Starts the service; {@code overrides} beat environment and files (used by tests). */
    public static TenantOnboardingService start(Map<String, String> environment, Map<String, String> overrides)
            throws Exception {
        TenantOnboardingService service = new TenantOnboardingService(environment, overrides);
        try {
            service.main.start();
        } catch (Exception e) {
            service.close();
            throw e;
        }
        service.announce();
        return service;
    }

    /** Blocks until the JVM is asked to stop (SIGTERM/SIGINT). */
    public static void runUntilStopped(Map<String, String> environment) throws Exception {
        TenantOnboardingService service = new TenantOnboardingService(environment, Map.of());
        service.main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport main) {
                service.announce();
            }
        });
        try {
            service.main.run();
        } catch (Exception e) {
            service.close();
            throw e;
        }
    }

    private void startInfrastructure(CamelContext camel) throws Exception {
        Path dataDir = Path.of(setting("onboarding.data-dir")).toAbsolutePath().normalize();
        Files.createDirectories(dataDir);
        if (setting("onboarding.postgres.host").isEmpty()) {
            embeddedPostgres = EmbeddedPostgresServer.start(dataDir, number("onboarding.embedded-postgres.port"));
            cluster = embeddedPostgres.cluster();
        } else {
            String password = setting("onboarding.postgres.password");
            cluster = new PostgresCluster(setting("onboarding.postgres.host"), number("onboarding.postgres.port"),
                    setting("onboarding.postgres.user"), password.isEmpty() ? null : password);
        }
        controlPlane = ControlPlaneDatabase.open(cluster, setting("onboarding.platform-db"),
                number("onboarding.platform-db.pool-size"));
        ClusterLockdown.apply(cluster, "postgres", setting("onboarding.platform-db"));
        apiToken = setting("onboarding.api-token");
        if (apiToken.isEmpty()) {
            apiTokenFile = dataDir.resolve("api-token");
            apiToken = SecretFiles.readOrCreate(apiTokenFile, () -> SecretFiles.randomToken(32));
        }
        jms = new CachingConnectionFactory(brokerConnections(dataDir));
        jms.setSessionCacheSize(10);
        camel.addComponent("jms", JmsComponent.jmsComponent(jms));
        camel.getRegistry().bind("postgresCluster", cluster);
        camel.getRegistry().bind("controlPlane", controlPlane);
        camel.getRegistry().bind("bearerTokenGuard", new BearerTokenGuard(apiToken));
        PluginHelper.getBeanPostProcessor(camel).setLazyBeanStrategy(binding -> true);
    }

    /** The external broker of JMS_BROKER_URL, or an embedded Artemis started here. */
    private ActiveMQConnectionFactory brokerConnections(Path dataDir) throws Exception {
        String user = setting("onboarding.jms.user");
        String password = setting("onboarding.jms.password");
        if (!setting("onboarding.jms.broker-url").isEmpty()) {
            return new ActiveMQConnectionFactory(setting("onboarding.jms.broker-url"), user,
                    password.isEmpty() ? null : password);
        }
        if (password.isEmpty()) {
            password = SecretFiles.readOrCreate(dataDir.resolve("jms-password"), () -> SecretFiles.randomToken(24));
        }
        int port = number("onboarding.jms.embedded-port");
        broker = EmbeddedBroker.start(dataDir.resolve("artemis"), "127.0.0.1", port, user, password,
                number("onboarding.jms.max-delivery-attempts"), number("onboarding.jms.invalid-max-bytes"));
        return new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port, user, password);
    }

    private void buildFeatureBeans(CamelContext camel) {
        main.configure().getConfigurations().forEach(configuration -> List.of(configuration.getClass().getMethods())
                .stream().filter(method -> method.isAnnotationPresent(BindToRegistry.class))
                .forEach(method -> camel.getRegistry().lookupByName(method.getAnnotation(BindToRegistry.class).value())));
        HealthCheckRegistry health = HealthCheckRegistry.get(camel);
        health.register(new DependencyHealthCheck("control-plane-database", () -> {
            try (var connection = controlPlane.getConnection()) {
                connection.isValid(2);
            }
        }));
        health.register(new DependencyHealthCheck("jms-broker", () -> jms.createConnection().close()));
        SecretStore secrets = CamelContextHelper.mandatoryLookup(camel, "secretStore", SecretStore.class);
        health.register(new DependencyHealthCheck("secret-store", secrets::checkAccess));
        runner = CamelContextHelper.mandatoryLookup(camel, "operationRunner", OperationRunner.class);
    }

    private void announce() {
        String url = "http://localhost:" + port();
        String token = apiTokenFile == null ? "from ONBOARDING_API_TOKEN" : "in " + apiTokenFile;
        LOG.info("Tenant onboarding is listening on {} (API {}/api/v1, OpenAPI {}/api-doc); admin token {}",
                url, url, url, token);
        System.out.println("Tenant onboarding listening on " + url + " ; admin token " + token);
    }

    private void stopOperations() {
        if (runner != null) {
            try {
                runner.stop(number("onboarding.operations.stop-timeout-seconds"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeResources() {
        if (jms != null) {
            jms.destroy();
        }
        // closed in reverse: broker, pool, then the PostgreSQL server under it
        try (AutoCloseable postgres = embeddedPostgres; AutoCloseable pool = controlPlane; AutoCloseable artemis = broker) {
            controlPlane = null;
            embeddedPostgres = null;
            broker = null;
        } catch (Exception e) {
            LOG.warn("Infrastructure did not stop cleanly", e);
        }
    }

    private String setting(String key) {
        return main.getCamelContext().getPropertiesComponent().resolveProperty(key).orElse("").trim();
    }

    private int number(String key) {
        return Integer.parseInt(setting(key));
    }

    public int port() {
        return number("onboarding.server.port");
    }

    public String apiToken() {
        return apiToken;
    }

    public PostgresCluster cluster() {
        return cluster;
    }

    @Override
    public void close() {
        try {
            if (main.isStarted()) {
                main.stop();
            }
        } catch (Exception e) {
            LOG.warn("Camel did not stop cleanly", e);
        } finally {
            stopOperations();
            closeResources();
        }
    }
}
