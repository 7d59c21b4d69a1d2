package io.onboarding;

import com.zaxxer.hikari.HikariDataSource;
import io.onboarding.api.ApiErrorResponder;
import io.onboarding.api.BearerTokenGuard;
import io.onboarding.api.FrontGate;
import io.onboarding.monitoring.ServiceHealth;
import io.onboarding.operation.JournaledStepComponent;
import io.onboarding.operation.OperationApi;
import io.onboarding.operation.OperationJournal;
import io.onboarding.operation.OperationPipelines;
import io.onboarding.operation.OperationRunner;
import io.onboarding.operation.StepContextConverters;
import io.onboarding.operation.StepWarnings;
import io.onboarding.operation.TransientFailures;
import org.apache.camel.StartupListener;
import io.onboarding.platform.ClusterLockdown;
import io.onboarding.platform.ControlPlaneDatabase;
import io.onboarding.platform.EmbeddedPostgresServer;
import io.onboarding.platform.PostgresCluster;
import io.onboarding.platform.SecretFiles;
import io.onboarding.platform.ServiceSettings;
import io.onboarding.tenant.PlanCatalog;
import io.onboarding.tenant.TenantApi;
import io.onboarding.tenant.TenantDatabaseProvisioner;
import io.onboarding.tenant.TenantLifecycle;
import io.onboarding.tenant.TenantOnboarding;
import io.onboarding.tenant.TenantPrivilegeGranter;
import io.onboarding.tenant.TenantRepository;
import io.onboarding.tenant.TenantRequestValidator;
import io.onboarding.tenant.TenantRoleProvisioner;
import io.onboarding.tenant.TenantSuspension;
import io.onboarding.tenant.TenantSchemaMigrator;
import io.onboarding.backup.BackupApi;
import io.onboarding.backup.BackupKeys;
import io.onboarding.backup.BackupLimits;
import io.onboarding.backup.BackupRetention;
import io.onboarding.backup.BackupMetrics;
import io.onboarding.backup.BackupRepository;
import io.onboarding.backup.BackupScheduler;
import io.onboarding.backup.BackupSchedules;
import io.onboarding.backup.PgTools;
import io.onboarding.backup.BackupDumps;
import io.onboarding.backup.BackupSteps;
import io.onboarding.backup.TenantBackups;
import io.onboarding.events.TenantEvents;
import io.onboarding.operation.OperationLauncher;
import io.onboarding.identity.AuthProviderApi;
import io.onboarding.inbound.InboundRequests;
import io.onboarding.inbound.InboxBatchFiles;
import io.onboarding.inbound.JmsTenantRequests;
import io.onboarding.monitoring.DependencyHealthCheck;
import io.onboarding.monitoring.OnboardingMetrics;
import io.onboarding.monitoring.TenantDatabaseMetrics;
import io.onboarding.monitoring.TenantMonitoring;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.health.HealthCheckRegistry;
import io.onboarding.platform.EmbeddedBroker;
import io.onboarding.identity.AuthProviderSettings;
import io.onboarding.secrets.LocalSecretStore;
import io.onboarding.secrets.SecretStore;
import io.onboarding.secrets.VaultErrors;
import io.onboarding.secrets.VaultSecretStore;
import io.onboarding.tenant.TenantRoleSecrets;
import io.onboarding.users.InvitationOutbox;
import io.onboarding.users.TenantUserRepository;
import io.onboarding.users.InvitationLinks;
import io.onboarding.users.UserApi;
import io.onboarding.users.UserInvitations;
import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.Map;
import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.vault.core.VaultTemplate;

/**
 * The composition root: resolves settings, brings up PostgreSQL (embedded or external) and the
 * control plane, binds the beans the YAML routes refer to, and runs Camel Main.
 */
public final class TenantOnboardingService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TenantOnboardingService.class);
    private static final String MAINTENANCE_DB = "postgres";

    private final ServiceSettings settings;
    private final Main main = new Main();
    private EmbeddedPostgresServer embeddedPostgres;
    private HikariDataSource controlPlane;
    private OperationRunner runner;
    private PostgresCluster cluster;
    private String apiToken;
    private Path apiTokenFile;
    private EmbeddedBroker broker;
    private final PrometheusMeterRegistry meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private ConnectionFactory jmsConnectionFactory;

    private TenantOnboardingService(ServiceSettings settings) {
        this.settings = settings;
    }

    /** Starts the service; {@code overrides} beat environment and files (used by tests). */
    public static TenantOnboardingService start(Map<String, String> environment, Map<String, String> overrides)
            throws Exception {
        TenantOnboardingService service = new TenantOnboardingService(ServiceSettings.load(environment, overrides));
        try {
            service.prepare();
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
        TenantOnboardingService service = new TenantOnboardingService(ServiceSettings.load(environment, Map.of()));
        service.prepare();
        service.main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport main) {
                service.announce();
            }
        });
        service.main.run();
    }

    private void prepare() throws Exception {
        Path dataDir = settings.path("onboarding.data-dir");
        Files.createDirectories(dataDir);
        if (settings.isSet("onboarding.postgres.host")) {
            cluster = PostgresCluster.fromSettings(settings);
        } else {
            embeddedPostgres = EmbeddedPostgresServer.start(dataDir, settings.getInt("onboarding.embedded-postgres.port"));
            cluster = embeddedPostgres.cluster();
        }
        controlPlane = ControlPlaneDatabase.open(cluster, settings.get("onboarding.platform-db"),
                settings.getInt("onboarding.platform-db.pool-size"));
        ClusterLockdown.apply(cluster, MAINTENANCE_DB, settings.get("onboarding.platform-db"));
        if (settings.isSet("onboarding.api-token")) {
            apiToken = settings.get("onboarding.api-token");
        } else {
            apiTokenFile = dataDir.resolve("api-token");
            apiToken = SecretFiles.readOrCreate(apiTokenFile, () -> SecretFiles.randomToken(32));
        }

        jmsConnectionFactory = jmsConnectionFactory(dataDir);
        // Bound before Camel configures itself, so camel-micrometer-prometheus serves this registry.
        main.bind(MicrometerConstants.METRICS_REGISTRY_NAME, meterRegistry);

        main.setOverrideProperties(settings.asProperties());
        main.configure().setRoutesIncludePattern(Files.isDirectory(Path.of("routes"))
                ? "file:routes/*.yaml" : "classpath:routes/*.yaml");
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport main) {
                bindBeans(main.getCamelContext());
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

    /** The external broker of JMS_BROKER_URL, or an embedded Artemis started here. */
    private ConnectionFactory jmsConnectionFactory(Path dataDir) throws Exception {
        String user = settings.get("onboarding.jms.user", "onboarding");
        String password;
        String url;
        if (settings.isSet("onboarding.jms.broker-url")) {
            url = settings.get("onboarding.jms.broker-url");
            password = settings.get("onboarding.jms.password", null);
        } else {
            password = settings.isSet("onboarding.jms.password") ? settings.get("onboarding.jms.password")
                    : SecretFiles.readOrCreate(dataDir.resolve("jms-password"), () -> SecretFiles.randomToken(24));
            int port = settings.getInt("onboarding.jms.embedded-port");
            broker = EmbeddedBroker.start(dataDir.resolve("artemis"), "127.0.0.1", port, user, password,
                    settings.getInt("onboarding.jms.max-delivery-attempts"),
                    settings.getInt("onboarding.jms.invalid-max-bytes"));
            url = "tcp://127.0.0.1:" + port;
        }
        CachingConnectionFactory caching = new CachingConnectionFactory(new ActiveMQConnectionFactory(url, user, password));
        caching.setSessionCacheSize(10);
        return caching;
    }

    private void bindBeans(CamelContext camel) {
        Registry registry = camel.getRegistry();
        OnboardingMetrics metrics = new OnboardingMetrics(meterRegistry);

        PlanCatalog catalog = PlanCatalog.fromSettings(settings);
        OperationJournal journal = new OperationJournal(controlPlane);
        TenantRepository tenants = new TenantRepository(controlPlane,
                settings.get("onboarding.tenant-database.public-host", cluster.host()),
                Integer.parseInt(settings.get("onboarding.tenant-database.public-port", Integer.toString(cluster.port()))));
        OperationPipelines pipelines = new OperationPipelines(camel);
        runner = new OperationRunner(camel, controlPlane, journal, settings.getInt("onboarding.operations.workers"),
                settings.getInt("onboarding.operations.max-compensation-attempts"), metrics, pipelines, tenants::load);
        StepContextConverters.register(camel);
        registry.bind("stepWarnings", new StepWarnings(tenants));
        registry.bind("transientFailures", new TransientFailures());
        try {
            camel.addStartupListener(new StartupListener() {
                @Override
                public void onCamelContextStarting(CamelContext context, boolean alreadyStarted) {
                    LOG.info("Pipelines checked: {}", pipelines.verify());
                }

                @Override
                public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
                    // checked before the routes started
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        TenantOnboarding onboarding = new TenantOnboarding(controlPlane, tenants, journal, pipelines, runner, catalog);
        TenantEvents events = new TenantEvents(camel);
        SecretStore secrets = secretStore(camel);
        secrets.checkAccess();
        camel.addComponent("jms", JmsComponent.jmsComponent(jmsConnectionFactory));
        camel.addComponent(JournaledStepComponent.SCHEME, new JournaledStepComponent(journal, runner::isStopping, metrics,
                tenants::load));

        // api, operations, provisioning
        BearerTokenGuard apiGuard = new BearerTokenGuard(apiToken);
        registry.bind("bearerTokenGuard", apiGuard);
        FrontGate frontGate = new FrontGate(apiGuard, settings.getInt("onboarding.server.max-body-bytes"),
                settings.get("onboarding.metrics.token", ""));
        try {
            camel.addStartupListener((context, alreadyStarted) -> frontGate.install(context, port()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot guard the HTTP server", e);
        }
        registry.bind("serviceHealth", new ServiceHealth(camel, apiGuard));
        registry.bind("apiErrorResponder", new ApiErrorResponder());
        registry.bind("operationRunner", runner);
        registry.bind("operationApi", new OperationApi(journal));
        registry.bind("tenantRepository", tenants);
        registry.bind("tenantOnboarding", onboarding);
        BackupLimits backupLimits = BackupLimits.fromSettings(settings);
        TenantRequestValidator validator = new TenantRequestValidator(catalog, backupLimits);
        OperationLauncher launcher = new OperationLauncher(controlPlane, journal, pipelines, runner, tenants);
        TenantDatabaseProvisioner databases = new TenantDatabaseProvisioner(cluster, MAINTENANCE_DB);
        TenantLifecycle lifecycle = new TenantLifecycle(tenants, validator, launcher, journal, databases);
        registry.bind("tenantApi", new TenantApi(tenants, catalog, lifecycle));
        registry.bind("tenantLifecycle", lifecycle);
        registry.bind("tenantRequestValidator", validator);
        TenantRoleProvisioner roles = new TenantRoleProvisioner(cluster, MAINTENANCE_DB);
        registry.bind("tenantRoleProvisioner", roles);
        registry.bind("tenantDatabaseProvisioner", databases);
        registry.bind("tenantSuspension", new TenantSuspension(tenants, databases, roles));
        registry.bind("tenantSchemaMigrator", new TenantSchemaMigrator(cluster));
        TenantPrivilegeGranter privileges = new TenantPrivilegeGranter(cluster);
        registry.bind("tenantPrivilegeGranter", privileges);
        registry.bind("tenantRoleSecrets", new TenantRoleSecrets(secrets, tenants.publicHost(), tenants.publicPort()));
        registry.bind("tenantEvents", events);

        // secrets, users, identity
        registry.bind("secretStore", secrets);
        registry.bind("vaultErrors", new VaultErrors());
        InvitationOutbox outbox = new InvitationOutbox(camel, controlPlane, secrets,
                Boolean.parseBoolean(settings.get("onboarding.smtp.enabled")), metrics);
        TenantUserRepository users = new TenantUserRepository(controlPlane);
        UserInvitations invitations = new UserInvitations(controlPlane, tenants, users,
                roles, secrets, outbox, settings.get("onboarding.public-base-url"),
                settings.getInt("onboarding.users.connection-limit"),
                Duration.ofHours(settings.getInt("onboarding.users.invitation-ttl-hours")), events);
        registry.bind("invitationOutbox", outbox);
        registry.bind("userInvitations", invitations);
        registry.bind("userApi", new UserApi(invitations, new InvitationLinks(tenants, users, secrets)));
        AuthProviderSettings authProviders = new AuthProviderSettings(tenants, secrets);
        registry.bind("authProviderSettings", authProviders);
        registry.bind("authProviderApi", new AuthProviderApi(authProviders));

        // inbound channels
        InboundRequests inbound = new InboundRequests(camel);
        JdbcMessageIdRepository inboxFiles = new JdbcMessageIdRepository(controlPlane, "inbox-files");
        inboxFiles.setCreateTableIfNotExists(false);
        registry.bind("inboxFileRepository", inboxFiles);
        registry.bind("inboxBatchFiles", new InboxBatchFiles(inbound, settings.path("onboarding.inbox-dir"),
                settings.getInt("onboarding.inbox.max-record-bytes"), metrics));
        registry.bind("jmsTenantRequests", new JmsTenantRequests(camel, inbound, metrics,
                settings.getInt("onboarding.jms.max-message-bytes")));

        // monitoring
        registry.bind("tenantMonitoring", new TenantMonitoring(camel, tenants,
                settings.path("onboarding.prometheus.config-dir"), settings.path("onboarding.grafana.dashboards-dir"),
                settings.get("onboarding.monitoring.target-patterns"),
                Boolean.parseBoolean(settings.get("onboarding.grafana.enabled")),
                Boolean.parseBoolean(settings.get("onboarding.prometheus.enabled"))));
        registry.bind("tenantDatabaseMetrics", new TenantDatabaseMetrics(cluster, tenants, metrics));
        // backups
        BackupRepository backupRecords = new BackupRepository(controlPlane);
        BackupMetrics backupMetrics = new BackupMetrics(meterRegistry);
        backupMetrics.restore(backupRecords.latestPerDatabase());
        BackupKeys backupKeys = new BackupKeys(secrets);
        registry.bind("backupKeys", backupKeys);
        TenantBackups backups = new TenantBackups(cluster, tenants, backupRecords, launcher);
        registry.bind("tenantBackups", backups);
        BackupDumps dumps = new BackupDumps(cluster, backupRecords, backupKeys,
                new PgTools(settings.get("onboarding.backup.pg-bin-dir", "")), backupMetrics, databases, privileges,
                settings.path("onboarding.backup-dir"));
        registry.bind("backupSteps", new BackupSteps(dumps, backupRecords, databases));
        registry.bind("backupApi", new BackupApi(backups));
        registry.bind("backupRetention", new BackupRetention(backupRecords, tenants, backupKeys, backupLimits));
        registry.bind("backupSchedules", new BackupSchedules(camel, tenants));
        camel.addComponent("quartz", BackupScheduler.quartz(camel, controlPlane,
                settings.getInt("onboarding.backup.cluster-checkin-ms"), backups::launchScheduled));

        HealthCheckRegistry health = HealthCheckRegistry.get(camel);
        health.register(new DependencyHealthCheck("control-plane-database", () -> {
            try (var connection = controlPlane.getConnection()) {
                connection.isValid(2);
            }
        }));
        health.register(new DependencyHealthCheck("jms-broker", () -> jmsConnectionFactory.createConnection().close()));
        health.register(new DependencyHealthCheck("secret-store", secrets::checkAccess));
    }

    /** Vault when VAULT_ADDR is set (its template bound for the vault routes), else the local store. */
    private SecretStore secretStore(CamelContext camel) {
        if (Boolean.parseBoolean(settings.get("onboarding.vault.enabled"))) {
            VaultTemplate vault = VaultSecretStore.vaultTemplate(settings.get("onboarding.vault.address"),
                    settings.get("onboarding.vault.token"));
            camel.getRegistry().bind("vaultTemplate", vault);
            return new VaultSecretStore(camel.createProducerTemplate(), vault, settings.get("onboarding.vault.kv-mount"));
        }
        return new LocalSecretStore(controlPlane, settings.path("onboarding.data-dir").resolve("secret-store.key"));
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
                runner.stop(settings.getInt("onboarding.operations.stop-timeout-seconds"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeResources() {
        if (jmsConnectionFactory instanceof CachingConnectionFactory caching) {
            caching.destroy();
        }
        if (broker != null) {
            try {
                broker.close();
            } catch (Exception e) {
                LOG.warn("Embedded broker did not stop cleanly", e);
            }
            broker = null;
        }
        if (controlPlane != null) {
            controlPlane.close();
            controlPlane = null;
        }
        if (embeddedPostgres != null) {
            try {
                embeddedPostgres.close();
            } catch (Exception e) {
                LOG.warn("Embedded PostgreSQL did not stop cleanly", e);
            }
            embeddedPostgres = null;
        }
    }

    public int port() {
        return settings.getInt("onboarding.server.port");
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
