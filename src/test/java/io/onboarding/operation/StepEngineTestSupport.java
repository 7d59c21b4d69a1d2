package io.onboarding.operation;

import io.onboarding.kit.TransientFailures;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.onboarding.observe.OnboardingMetrics;
import io.onboarding.support.QuickTest;
import io.onboarding.tenant.TenantRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.apache.camel.CamelContext;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.model.Model;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;

/**
 * The step engine as Camel Main runs it (the real YAML, the real {@code step:} component, route
 * configurations and policies), with recording stub beans, an in-memory journal and in-memory
 * tenants instead of PostgreSQL. Subclasses say which route files to load.
 */
@QuickTest
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

    /** The steps of the pipeline of {@code type} as the loaded YAML declares them, in order. */
    List<String> steps(String type) {
        return pipelines().steps(type);
    }

    /** The stub call a step's {@code do} endpoint makes, as its declaration in the YAML says. */
    String doCall(String step) {
        return context.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinitions().stream()
                .filter(route -> route.isCreatedFromTemplate() && route.getTemplateParameters() != null
                        && step.equals(route.getTemplateParameters().get("name")))
                .map(route -> call(String.valueOf(route.getTemplateParameters().get("do"))))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no step " + step + " declared"));
    }

    /**
     * What the stubs see when the step {@code failing} of {@code type} fails: the {@code do} of every step
     * up to it (itself included: it may have done part of its work), then the undo endpoints of those
     * steps, newest first; a {@code nothing:} or {@code irreversible:} undo makes no call.
     */
    List<String> callsFailingAt(String type, String failing) {
        List<String> steps = steps(type);
        List<String> ran = steps.subList(0, steps.indexOf(failing) + 1);
        List<String> calls = new ArrayList<>(ran.stream().map(this::doCall).toList());
        for (int i = ran.size() - 1; i >= 0; i--) {
            if (pipelines().undo(ran.get(i)) instanceof StepUndo.Endpoint undo) {
                calls.add(call(undo.uri()));
            }
        }
        return calls;
    }

    /** {@code bean:NAME?method=M} as the stubs record it: {@code NAME.M}. */
    private static String call(String uri) {
        if (!uri.startsWith("bean:") || !uri.contains("?method=")) {
            throw new IllegalArgumentException("not a bean method endpoint: " + uri);
        }
        return uri.substring("bean:".length()).replace("?method=", ".");
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
