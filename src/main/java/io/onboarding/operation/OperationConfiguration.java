package io.onboarding.operation;

import io.onboarding.kit.TransientFailures;

import io.onboarding.observe.OnboardingMetrics;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.StartupListener;
import org.apache.camel.support.CamelContextHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The durable journal, the workers that run operations, and the {@code step:} component routes call. */
public class OperationConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(OperationConfiguration.class);

    @BindToRegistry("operationJournal")
    public OperationJournal operationJournal(DataSource controlPlane) {
        return new OperationJournal(controlPlane);
    }

    @BindToRegistry("operationRunner")
    public OperationRunner operationRunner(CamelContext camel, DataSource controlPlane, OperationJournal journal,
            @PropertyInject("onboarding.operations.workers") int workers,
            @PropertyInject("onboarding.operations.parallel-steps") int parallelSteps,
            @PropertyInject("onboarding.operations.max-compensation-attempts") int maxCompensationAttempts,
            OnboardingMetrics metrics, OperationPipelines pipelines, OperationSubjects subjects,
            OperationWaiters waiters, FaultHolds holds,
            @PropertyInject("onboarding.admission.max-queued") int maxQueued,
            @PropertyInject("onboarding.admission.retry-after-seconds") int retryAfterSeconds) {
        OperationRunner runner = new OperationRunner(camel, controlPlane, journal, workers, parallelSteps,
                maxCompensationAttempts, metrics, pipelines, subjects,
                new OperationAdmission(maxQueued, retryAfterSeconds), holds);
        runner.addRunListener(waiters::ran);
        return runner;
    }

    /** The kinds of subject operations work on, registered by their features (the tenant feature's is the default). */
    @BindToRegistry("operationSubjects")
    public OperationSubjects operationSubjects() {
        return new OperationSubjects();
    }

    /** The fault tests' hold points (docs/faults.md); off unless onboarding.faults.hold-points is true. */
    @BindToRegistry("faultHolds")
    public FaultHolds faultHolds(DataSource controlPlane,
            @PropertyInject("onboarding.faults.hold-points") boolean enabled) {
        return FaultHolds.of(enabled, controlPlane);
    }

    /** Mutating API requests before the next step of a running operation (bounded per step). */
    @BindToRegistry("requestsFirst")
    public RequestsFirst requestsFirst(@PropertyInject("onboarding.operations.requests-first-ms") long maxWaitMillis) {
        return new RequestsFirst(maxWaitMillis);
    }

    @BindToRegistry("operationWaiters")
    public OperationWaiters operationWaiters(DataSource controlPlane, OnboardingMetrics metrics) {
        return new OperationWaiters(controlPlane, metrics.registry());
    }

    /** The policy of {@code step-warns} steps (route configuration {@code step-warnings}). */
    @BindToRegistry("stepWarnings")
    public StepWarnings stepWarnings(OperationSubjects subjects) {
        return new StepWarnings(subjects);
    }

    /** Which failures the routes' retry policies (operation steps, Vault, cloud provisioner) try again. */
    @BindToRegistry("transientFailures")
    public TransientFailures transientFailures() {
        return new TransientFailures();
    }

    @BindToRegistry("operationPipelines")
    public OperationPipelines operationPipelines(CamelContext camel) {
        return new OperationPipelines(camel);
    }

    @BindToRegistry("operationLauncher")
    public OperationLauncher operationLauncher(DataSource controlPlane, OperationJournal journal,
            OperationPipelines pipelines, OperationRunner runner, OperationSubjects subjects, OperationWaiters waiters) {
        return new OperationLauncher(controlPlane, journal, pipelines, runner, subjects, waiters);
    }

    @BindToRegistry("operationListing")
    public OperationListing operationListing(DataSource controlPlane) {
        return new OperationListing(controlPlane);
    }

    @BindToRegistry("operationApi")
    public OperationApi operationApi(OperationListing listing) {
        return new OperationApi(listing);
    }

    /** {@code GET /api/v1/operations/{id}[?wait=]}: waiters resumed on a small pool, never held by one. */
    @BindToRegistry("operationLongPoll")
    public OperationLongPoll operationLongPoll(CamelContext camel, OperationJournal journal, OperationWaiters waiters) {
        return new OperationLongPoll(journal, waiters,
                camel.getExecutorServiceManager().newFixedThreadPool(this, "operation-waiters", 2));
    }

    /**
     * The {@code step:} component, the converter that lets a step method take just the subject's id, and
     * the start-up check of every pipeline (before any route starts: a broken one stops the start).
     */
    @Override
    public void configure(CamelContext camel) throws Exception {
        OperationRunner runner = CamelContextHelper.mandatoryLookup(camel, "operationRunner", OperationRunner.class);
        camel.addComponent(JournaledStepComponent.SCHEME, new JournaledStepComponent(
                CamelContextHelper.mandatoryLookup(camel, "operationJournal", OperationJournal.class),
                runner::isStopping,
                CamelContextHelper.mandatoryLookup(camel, "onboardingMetrics", OnboardingMetrics.class),
                CamelContextHelper.mandatoryLookup(camel, "operationSubjects", OperationSubjects.class),
                CamelContextHelper.mandatoryLookup(camel, "faultHolds", FaultHolds.class),
                CamelContextHelper.mandatoryLookup(camel, "requestsFirst", RequestsFirst.class)));
        StepContextConverters.register(camel);
        OperationPipelines pipelines = CamelContextHelper.mandatoryLookup(camel, "operationPipelines",
                OperationPipelines.class);
        camel.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarting(CamelContext context, boolean alreadyStarted) {
                LOG.info("Pipelines checked: {}", pipelines.verify());
            }

            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
                // checked while starting, before the routes
            }
        });
    }
}
