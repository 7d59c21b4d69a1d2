package io.onboarding.operation;

import io.onboarding.kit.Failures;

import io.onboarding.observe.OnboardingMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One run of an operation, led by the thread that calls {@link #run}: its pipeline's steps, each as
 * soon as the steps it needs are finished ({@link StepScheduler}), then either
 * {@code direct:TYPE-tenant-succeeded}, or every step that did something undone in the reverse order
 * of completion as its declaration says ({@link StepUndo}) and {@code direct:TYPE-tenant-failed}; the
 * operation fails with {@code compensated: true} unless a step could not be undone. Kept apart from
 * {@link OperationRunner}'s threads and advisory locks so route-level tests can drive it directly.
 */
final class OperationExecution {

    private static final Logger LOG = LoggerFactory.getLogger(OperationExecution.class);
    /** routes/operations.yaml: a compensation given up, published with these details (a header). */
    static final String GIVEN_UP_ROUTE = "operation-compensation-given-up";
    static final String GIVEN_UP_DETAILS = "onboardingGivenUp";

    private final CamelContext camel;
    private final ProducerTemplate template;
    private final StepJournal journal;
    private final OperationPipelines pipelines;
    private final OperationSubjects subjects;
    private final int maxCompensationAttempts;
    private final OnboardingMetrics metrics;
    private final BooleanSupplier stopping;
    private final FaultHolds holds;
    private final StepScheduler scheduler;

    OperationExecution(CamelContext camel, StepJournal journal, OperationPipelines pipelines,
                       OperationSubjects subjects, StepScheduler scheduler, int maxCompensationAttempts,
                       OnboardingMetrics metrics, BooleanSupplier stopping, FaultHolds holds) {
        this.scheduler = scheduler;
        this.holds = holds;
        this.camel = camel;
        this.template = camel.createProducerTemplate();
        this.journal = journal;
        this.pipelines = pipelines;
        this.subjects = subjects;
        this.maxCompensationAttempts = maxCompensationAttempts;
        this.metrics = metrics;
        this.stopping = stopping;
    }

    /**
     * Runs (or resumes, or finishes compensating) the operation, if it is still running. Returns the
     * failure of its pipeline when this run saw one (compensation began), else null: a caller on
     * whose thread the operation ran (an invitation's REST call) answers by its kind.
     */
    Exception run(UUID operationId) {
        OperationJournal.State state = journal.state(operationId).orElse(null);
        if (state == null || !state.status().equals("running")) {
            return null;
        }
        try (var mdc = state.subjectId() == null ? null : MDC.putCloseable(OperationLog.TENANT_ID, state.subjectId().toString())) {
            return runOrCompensate(operationId, state);
        }
    }

    private Exception runOrCompensate(UUID operationId, OperationJournal.State state) {
        Exception failure = null;
        if (!state.compensating()) {
            failure = runSteps(operationId, state);
            if (failure == null) {
                journal.succeeded(operationId);
                metrics.operationFinished(state.type(), "succeeded");
                LOG.info("Operation {} ({}) on {} succeeded", operationId, state.type(), state.subjectId());
                notify(OperationPipelines.routeId(state.type()) + "-succeeded", operationId, state, Map.of());
                return null;
            }
            if (ObjectHelper.getException(OperationWaiting.class, failure) != null) {
                // Resumed by the decision it waits for, or by the next recovery pass.
                LOG.debug("Operation {} waits: {}", operationId, failure.getMessage());
                return null;
            }
            if (ObjectHelper.getException(OperationHandedBack.class, failure) != null || stopping.getAsBoolean()) {
                // A step cut short by the stop is not a real failure: the next start resumes it.
                LOG.info("Operation {} handed back at shutdown", operationId);
                return null;
            }
            LOG.warn("Operation {} ({}) on {} failed, compensating: {}", operationId, state.type(),
                    state.subjectId(), Failures.describe(failure));
            journal.beginCompensation(operationId, Failures.describe(failure));
        }
        compensate(operationId, state);
        return failure;
    }

    /**
     * The pipeline's steps not yet finished, side by side where their needs allow, each through its
     * {@code step:} endpoint (journaled, held, measured) with its own exchange. Returns what stopped
     * them, or null if nothing did.
     */
    private Exception runSteps(UUID operationId, OperationJournal.State state) {
        StepContext context = context(operationId, state);
        List<Exception> failures = scheduler.run(pipelines.graph(state.type()), journal.finishedSteps(operationId),
                step -> template.send(step.uri(), exchange -> exchange.getMessage().setBody(context)).getException());
        return decisive(failures);
    }

    /**
     * Of what stopped steps running side by side, what decides: the first real failure (the operation is
     * undone), else a hand-back at shutdown (it resumes at the next start), else a wait (for approval).
     */
    private static Exception decisive(List<Exception> failures) {
        Exception handedBack = null;
        Exception waiting = null;
        for (Exception failure : failures) {
            if (ObjectHelper.getException(OperationHandedBack.class, failure) != null) {
                handedBack = handedBack == null ? failure : handedBack;
            } else if (ObjectHelper.getException(OperationWaiting.class, failure) != null) {
                waiting = waiting == null ? failure : waiting;
            } else {
                return failure;
            }
        }
        return handedBack != null ? handedBack : waiting;
    }

    private void compensate(UUID operationId, OperationJournal.State state) {
        int attempt = journal.compensationAttempt(operationId);
        List<String> cannotUndo = new ArrayList<>();
        List<String> givenUp = new ArrayList<>();
        for (String step : journal.stepsToUndo(operationId)) {
            if (stopping.getAsBoolean()) {
                return; // compensation resumes on the next start
            }
            StepUndo undo = pipelines.undo(step);
            if (undo instanceof StepUndo.Irreversible) {
                cannotUndo.add(step); // e.g. a dropped database: left as the step left it, and said so
                continue;
            }
            if (undo instanceof StepUndo.NothingToUndo) {
                journal.stepFinished(operationId, step, "compensated", null);
                continue;
            }
            String uri = ((StepUndo.Endpoint) undo).uri();
            holds.at(state.subjectId(), step, FaultHolds.Phase.UNDO);
            Exchange result = template.send(uri, exchange -> exchange.getMessage().setBody(context(operationId, state)));
            if (result.getException() != null) {
                if (attempt < maxCompensationAttempts) {
                    LOG.error("Compensating step {} of operation {} failed (attempt {}); retried later: {}", step,
                            operationId, attempt, Failures.describe(result.getException()));
                    return;
                }
                LOG.error("Compensating step {} of operation {} failed {} times; given up: {}", step, operationId,
                        attempt, Failures.describe(result.getException()));
                cannotUndo.add(step);
                givenUp.add(step);
                continue;
            }
            journal.stepFinished(operationId, step, "compensated", null);
        }
        Exception failed = notify(OperationPipelines.routeId(state.type()) + "-failed", operationId, state, Map.of());
        if (failed != null) {
            if (attempt < maxCompensationAttempts) {
                LOG.error("Recording the failure of operation {} failed; retried later: {}", operationId,
                        Failures.describe(failed));
                return;
            }
            // e.g. provision-tenant-failed cannot discard what admission staged: given up like an undo.
            String route = OperationPipelines.routeId(state.type()) + "-failed";
            LOG.error("Recording the failure of operation {} failed {} times; given up: {}", operationId, attempt,
                    Failures.describe(failed));
            cannotUndo.add(route);
            givenUp.add(route);
        }
        if (cannotUndo.isEmpty()) {
            journal.compensated(operationId);
        } else {
            journal.notCompensated(operationId, "not undone: " + String.join(", ", cannotUndo));
        }
        metrics.operationFinished(state.type(), "failed");
        if (!givenUp.isEmpty()) {
            reportGivenUp(operationId, state, givenUp);
        }
        LOG.info("Operation {} ({}) on {} failed and was compensated", operationId, state.type(),
                state.subjectId());
    }

    /**
     * A compensation given up after its attempt limit leaves something behind that an operator must
     * clean up: counted ({@code onboarding_compensation_given_up_total}, alerted by the fleet rule
     * OperationCompensationGivenUp) and published ({@code operation.compensation_given_up}).
     */
    private void reportGivenUp(UUID operationId, OperationJournal.State state, List<String> steps) {
        metrics.compensationGivenUp();
        Exception failed = notify(GIVEN_UP_ROUTE, operationId, state, Map.of(GIVEN_UP_DETAILS, Map.of(
                "operation_id", operationId.toString(), "type", state.type(), "steps_not_undone", steps)));
        if (failed != null) {
            LOG.error("Could not publish that the compensation of operation {} was given up: {}", operationId,
                    Failures.describe(failed));
        }
    }

    /** What every pipeline, undo and outcome route gets: the operation, its subject as it is now, its parameters. */
    private StepContext context(UUID operationId, OperationJournal.State state) {
        return new StepContext(operationId, state.type(), state.subjectId(), subjects.load(state.type(), state.subjectId()),
                state.parameters());
    }

    /** Runs an outcome route (the pipeline's {@code -succeeded}/{@code -failed}, ...), if there is one. */
    private Exception notify(String route, UUID operationId, OperationJournal.State state, Map<String, Object> headers) {
        if (camel.getRoute(route) == null) {
            return null;
        }
        return template.send("direct:" + route, exchange -> {
            exchange.getMessage().setHeaders(new java.util.HashMap<>(headers));
            exchange.getMessage().setBody(context(operationId, state));
        }).getException();
    }
}
