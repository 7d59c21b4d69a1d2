package io.onboarding.operation;

import io.onboarding.kit.TransientFailures;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.onboarding.observe.OnboardingMetrics;
import io.onboarding.tenant.TenantRecord;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.apache.camel.CamelContext;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;

/**
 * The step engine as Camel Main runs it (the real YAML, the real {@code step:} component, route
 * configurations and policies), with recording stub beans, an in-memory journal and in-memory
 * tenants instead of PostgreSQL. Subclasses say which route files to load.
 */
abstract class StepEngineTestSupport extends CamelMainTestSupport {

    /** The bean names the pipelines in routes/ call. */
    static final List<String> STEP_BEANS = List.of("tenantRoleProvisioner", "tenantDatabaseProvisioner",
            "tenantSchemaMigrator", "tenantPrivilegeGranter", "tenantRoleSecrets", "tenantRepository",
            "tenantMonitoring", "backupSchedules", "userInvitations", "tenantEvents", "tenantLifecycle",
            "tenantSuspension", "backupSteps", "authProviderSettings", "backupKeys", "tenantApprovals",
            "tenantGitRepositories", "cloudResources", "userCredentials", "userLogins", "invitationMail",
            "invitedUsers");

    final InMemoryStepJournal journal = new InMemoryStepJournal();
    final StubSteps stubs = new StubSteps();
    final Map<UUID, TenantRecord> tenants = new ConcurrentHashMap<>();
    /** The steps' pool, made with the context (and shut down with it). */
    private ExecutorService steps;

    /** The routes to load, as {@code camel.main.routes-include-pattern}. */
    abstract String routes();

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern(routes());
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties properties = new Properties();
        // The production policy (3 tries after the first), with short delays so a test takes milliseconds.
        properties.setProperty("onboarding.operations.transient-retries", "3");
        properties.setProperty("onboarding.operations.transient-retry-delay-ms", "5");
        return properties;
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext camel = super.createCamelContext();
        // Wired as TenantOnboardingService wires it, minus PostgreSQL.
        StepContextConverters.register(camel);
        camel.addComponent(JournaledStepComponent.SCHEME, new JournaledStepComponent(journal, () -> false,
                new OnboardingMetrics(new SimpleMeterRegistry()), subjects(), FaultHolds.OFF, RequestsFirst.OFF));
        StepContextConverters.register(camel, TenantRecord.class);
        return camel;
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        STEP_BEANS.forEach(name -> registry.bind(name, stubs.bean(name)));
        registry.bind("stepWarnings", new StepWarnings(subjects()));
        registry.bind("transientFailures", new TransientFailures());
    }

    /** The stand-in tenants as the engine's subjects, as the tenant feature registers its own. */
    OperationSubjects subjects() {
        OperationSubjects subjects = new OperationSubjects();
        subjects.registerDefault(stubs.subjects(this::tenant));
        return subjects;
    }

    TenantRecord tenant(UUID tenantId) {
        TenantRecord tenant = tenants.get(tenantId);
        if (tenant == null) {
            throw new IllegalStateException("no tenant " + tenantId);
        }
        return tenant;
    }

    UUID newTenant(String adminEmail) {
        UUID tenantId = UUID.randomUUID();
        tenants.put(tenantId, new TenantRecord(tenantId, "Acme", "standard", "eu-west-1", "basic", null, adminEmail,
                "provisioning", null, null, null, null, 20, "UTF8", List.of(), null, null, null, null, null, null, null, null, null, "default"));
        return tenantId;
    }

    OperationPipelines pipelines() {
        return new OperationPipelines(context);
    }

    /** Journals an operation of the type with the steps its pipeline route has, as OperationLauncher does. */
    UUID launch(String type, UUID tenantId) {
        return journal.create(type, tenantId, pipelines().steps(type), Map.of());
    }

    /** Steps of one operation run side by side at most, as onboarding.operations.parallel-steps says. */
    int parallelSteps() {
        return 4;
    }

    /** Led by this thread, its steps on a pool, as OperationRunner does under its advisory lock. */
    void run(UUID operationId) {
        if (steps == null) {
            steps = context.getExecutorServiceManager().newFixedThreadPool(this, "test-steps", parallelSteps());
        }
        new OperationExecution(context, journal, pipelines(), subjects(), new StepScheduler(steps, parallelSteps()), 10,
                new OnboardingMetrics(new SimpleMeterRegistry()), () -> false, FaultHolds.OFF).run(operationId);
    }
}
