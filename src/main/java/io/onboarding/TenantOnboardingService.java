package io.onboarding;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.onboarding.operation.OperationRunner;
import io.onboarding.postgres.PostgresCluster;
import io.onboarding.config.PropertyLayers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.util.function.ThrowingRunnable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel Main on the service's infrastructure: settings ({@link PropertyLayers}), PostgreSQL and its pool, the
 * broker, the admin token, health ({@link Infrastructure}); the feature packages wire the rest ({@link Features}).
 */
public final class TenantOnboardingService extends MainListenerSupport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TenantOnboardingService.class);

    private final Main main = new Main();
    private final Consumer<PropertiesComponent> layers;
    private Infrastructure infrastructure;
    private OperationRunner runner;
    /** Counted down once the infrastructure (pool, PostgreSQL, broker) is closed, last of all. */
    private final java.util.concurrent.CountDownLatch infrastructureClosed = new java.util.concurrent.CountDownLatch(1);

    private TenantOnboardingService(Map<String, String> environment, Map<String, String> overrides) {
        layers = properties -> PropertyLayers.applyTo(properties, environment, overrides, Path.of(""));
        // Bound before Camel configures itself, so camel-micrometer-prometheus serves this registry.
        main.bind(MicrometerConstants.METRICS_REGISTRY_NAME, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        main.configure().setRoutesIncludePattern(Files.isDirectory(Path.of("routes"))
                ? "file:routes/*.yaml" : "classpath:routes/*.yaml");
        Features.configurations().forEach(main.configure()::addConfiguration);
        main.addMainListener(this);
    }

    /** Starts the service; {@code overrides} beat environment and files (used by tests). */
    public static TenantOnboardingService start(Map<String, String> environment, Map<String, String> overrides)
            throws Exception {
        TenantOnboardingService service = new TenantOnboardingService(environment, overrides);
        service.launch(service.main::start);
        service.afterStart(service.main);
        return service;
    }

    /** Blocks until the JVM is asked to stop (SIGTERM/SIGINT). */
    public static void runUntilStopped(Map<String, String> environment) throws Exception {
        TenantOnboardingService service = new TenantOnboardingService(environment, Map.of());
        // The JVM halts once every shutdown hook has returned, whatever the main thread is doing: this
        // hook holds it until Camel has stopped and afterStop has closed the infrastructure, so the
        // embedded PostgreSQL is stopped last, after the work that uses it (and is stopped at all).
        Runtime.getRuntime().addShutdownHook(new Thread(service::awaitInfrastructureClosed, "close-infrastructure-last"));
        service.launch(service.main::run);
    }

    private void launch(ThrowingRunnable<Exception> camel) throws Exception {
        try {
            camel.run();
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** Settings, then infrastructure, bound for the feature configurations to take. */
    @Override
    public void beforeConfigure(BaseMainSupport main) {
        layers.accept(main.getCamelContext().getPropertiesComponent());
        try {
            infrastructure = Infrastructure.start(this::setting);
        } catch (Exception e) {
            throw RuntimeCamelException.wrapRuntimeCamelException(e);
        }
        infrastructure.bindTo(main.getCamelContext());
        Features.bindLazily(main.getCamelContext());
    }

    @Override
    public void afterConfigure(BaseMainSupport main) {
        Features.build(main.getCamelContext(), main.configure().getConfigurations());
        runner = CamelContextHelper.mandatoryLookup(main.getCamelContext(), "operationRunner", OperationRunner.class);
        infrastructure.registerHealthChecks(main.getCamelContext());
    }

    /** Once started: where it listens and where the admin token is. */
    @Override
    public void afterStart(BaseMainSupport main) {
        String url = "http://localhost:" + port();
        String token = infrastructure.apiTokenSource();
        LOG.info("Tenant onboarding is listening on {} (API {}/api/v1, OpenAPI {}/api-doc); admin token {}", url, url, url, token);
        if (!"json".equals(System.getenv("LOG_FORMAT"))) {
            // LOG_FORMAT=json (log4j2.xml's switch): stdout is JSON lines only; the log line above says it.
            System.out.println("Tenant onboarding listening on " + url + " ; admin token " + token);
        }
    }

    /** In-flight operations finish or are handed back before Camel stops. */
    @Override
    public void beforeStop(BaseMainSupport main) {
        if (runner != null) {
            try {
                runner.stop(Integer.parseInt(setting("onboarding.operations.stop-timeout-seconds")));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        try (AutoCloseable closing = infrastructure) {
            LOG.debug("Stopping the infrastructure");
        } catch (Exception e) {
            LOG.warn("Infrastructure did not stop cleanly", e);
        } finally {
            infrastructureClosed.countDown();
        }
    }

    /** Shutdown hook: waits (within the contract's 30 s) for the orderly stop; closes the infrastructure itself if it did not come. */
    private void awaitInfrastructureClosed() {
        try {
            if (!infrastructureClosed.await(25, java.util.concurrent.TimeUnit.SECONDS) && infrastructure != null) {
                LOG.warn("Camel had not stopped after 25 s; closing the infrastructure now");
                infrastructure.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Infrastructure did not stop cleanly", e);
        }
    }

    private String setting(String key) {
        return main.getCamelContext().getPropertiesComponent().resolveProperty(key).orElse("").trim();
    }

    public int port() {
        return Integer.parseInt(setting("onboarding.server.port"));
    }

    public String apiToken() {
        return infrastructure.apiToken();
    }

    public PostgresCluster cluster() {
        return infrastructure.cluster();
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
            beforeStop(main);
            afterStop(main);
        }
    }
}
