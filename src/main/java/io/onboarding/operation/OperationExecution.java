package io.onboarding.operation;

import io.onboarding.observe.OnboardingMetrics;
import io.onboarding.tenant.TenantRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One run of an operation, on the thread that calls {@link #run}: its pipeline route, then either
 * {@code direct:TYPE-tenant-succeeded}, or every step that did something undone in reverse order
 * as its declaration says ({@link StepUndo}) and {@code direct:TYPE-tenant-failed}; the operation
 * fails with {@code compensated: true} unless a step could not be undone. Kept apart from
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
    private final Function<UUID, TenantRecord> tenants;
    private final int maxCompensationAttempts;
    private final OnboardingMetrics metrics;
    private final BooleanSupplier stopping;
    private final FaultHolds holds;

    OperationExecution(CamelContext camel, StepJournal journal, OperationPipelines pipelines,
                       Function<UUID, TenantRecord> tenants, int maxCompensationAttempts, OnboardingMetrics metrics,
                       BooleanSupplier stopping, FaultHolds holds) {
        this.holds = holds;
        this.camel = camel;
        this.template = camel.createProducerTemplate();
        this.journal = journal;
        this.pipelines = pipelines;
        this.tenants = tenants;
        this.maxCompensationAttempts = maxCompensationAttempts;
        this.metrics = metrics;
        this.stopping = stopping;
    }

    /** Runs (or resumes, or finishes compensating) the operation, if it is still running. */
    void run(UUID operationId) {
        OperationJournal.State state = journal.state(operationId).orElse(null);
        if (state == null || !state.status().equals("running")) {
            return;
        }
        try (var mdc = state.tenantId() == null ? null : MDC.putCloseable(OperationLog.TENANT_ID, state.tenantId().toString())) {
            runOrCompensate(operationId, state);
        }
    }

    private void runOrCompensate(UUID operationId, OperationJournal.State state) {
        if (!state.compensating()) {
            Exchange result = template.send("direct:" + OperationPipelines.routeId(state.type()),
                    exchange -> exchange.getMessage().setBody(context(operationId, state)));
            Exception failure = result.getException();
            if (failure == null) {
                journal.succeeded(operationId);
                metrics.operationFinished(state.type(), "succeeded");
                LOG.info("Operation {} ({}) of tenant {} succeeded", operationId, state.type(), state.tenantId());
                notify(OperationPipelines.routeId(state.type()) + "-succeeded", operationId, state, Map.of());
                return;
            }
            if (result.getException(OperationWaiting.class) != null) {
                // Resumed by the decision it waits for, or by the next recovery pass.
                LOG.debug("Operation {} waits: {}", operationId, result.getException().getMessage());
                return;
            }
            if (result.getException(OperationHandedBack.class) != null || stopping.getAsBoolean()) {
                // A step cut short by the stop is not a real failure: the next start resumes it.
                LOG.info("Operation {} handed back at shutdown", operationId);
                return;
            }
            LOG.warn("Operation {} ({}) of tenant {} failed, compensating: {}", operationId, state.type(),
                    state.tenantId(), OperationRunner.describe(failure));
            journal.beginCompensation(operationId, OperationRunner.describe(failure));
        }
        compensate(operationId, state);
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
            holds.at(state.tenantId(), step, FaultHolds.Phase.UNDO);
            Exchange result = template.send(uri, exchange -> exchange.getMessage().setBody(context(operationId, state)));
            if (result.getException() != null) {
                if (attempt < maxCompensationAttempts) {
                    LOG.error("Compensating step {} of operation {} failed (attempt {}); retried later: {}", step,
                            operationId, attempt, OperationRunner.describe(result.getException()));
                    return;
                }
                LOG.error("Compensating step {} of operation {} failed {} times; given up: {}", step, operationId,
                        attempt, OperationRunner.describe(result.getException()));
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
                        OperationRunner.describe(failed));
                return;
            }
            // e.g. provision-tenant-failed cannot discard what admission staged: given up like an undo.
            String route = OperationPipelines.routeId(state.type()) + "-failed";
            LOG.error("Recording the failure of operation {} failed {} times; given up: {}", operationId, attempt,
                    OperationRunner.describe(failed));
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
        LOG.info("Operation {} ({}) of tenant {} failed and was compensated", operationId, state.type(),
                state.tenantId());
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
                    OperationRunner.describe(failed));
        }
    }

    /** What every pipeline, undo and outcome route gets: the operation, its tenant as it is now, its parameters. */
    private StepContext context(UUID operationId, OperationJournal.State state) {
        return new StepContext(operationId, state.type(), tenants.apply(state.tenantId()), state.parameters());
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
