package io.onboarding.operation;

import io.onboarding.kit.Failures;

import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import io.onboarding.observe.OnboardingMetrics;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;
import org.apache.camel.support.service.ServiceHelper;

/**
 * {@code step:NAME} runs the route {@code direct:NAME} as one journaled step of an operation: a step
 * the journal already has as finished is skipped (that is how a resumed operation picks up where it
 * stopped), otherwise it is marked running, handed a fresh {@link StepContext} as its body, run,
 * and marked by what it returned ({@link StepOutcome}; anything else is done) or failed if it threw.
 */
public final class JournaledStepComponent extends DefaultComponent {

    public static final String SCHEME = "step";
    /** The engine's own copy of the running step's context, for its policies (e.g. {@link StepWarnings}). */
    static final String STEP_CONTEXT = "onboardingStepContext";

    private final StepJournal journal;
    private final BooleanSupplier stopping;
    private final OnboardingMetrics metrics;
    private final OperationSubjects subjects;
    private final FaultHolds holds;
    private final RequestsFirst requestsFirst;

    public JournaledStepComponent(StepJournal journal, BooleanSupplier stopping, OnboardingMetrics metrics,
                                  OperationSubjects subjects, FaultHolds holds, RequestsFirst requestsFirst) {
        this.holds = holds;
        this.requestsFirst = requestsFirst;
        this.metrics = metrics;
        this.subjects = subjects;
        this.journal = journal;
        this.stopping = stopping;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        parameters.remove("needs"); // the pipeline's graph (StepGraph), read by the engine, not by the step
        return new StepEndpoint(uri, this, remaining);
    }

    private final class StepEndpoint extends DefaultEndpoint {

        private final String step;

        StepEndpoint(String uri, JournaledStepComponent component, String step) {
            super(uri, component);
            this.step = step;
        }

        @Override
        public Producer createProducer() {
            return new StepProducer(this, step);
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            throw new UnsupportedOperationException("step: endpoints can only be sent to");
        }
    }

    private final class StepProducer extends DefaultProducer {

        private final String step;
        private Producer route;

        StepProducer(Endpoint endpoint, String step) {
            super(endpoint);
            this.step = step;
        }

        @Override
        protected void doStart() throws Exception {
            route = getEndpoint().getCamelContext().getEndpoint("direct:" + step).createProducer();
            ServiceHelper.startService(route);
        }

        @Override
        protected void doStop() {
            ServiceHelper.stopService(route);
        }

        @Override
        public void process(Exchange exchange) throws Exception {
            StepContext context = exchange.getMessage().getMandatoryBody(StepContext.class);
            UUID operationId = context.operationId();
            String status = journal.stepStatus(operationId, step);
            if (status.equals("done") || status.equals("skipped") || status.equals("warning")) {
                return;
            }
            requestsFirst.giveWay();
            if (stopping.getAsBoolean()) {
                throw new OperationHandedBack();
            }
            journal.stepStarted(operationId, step);
            long started = System.nanoTime();
            // The subject as it is now: an earlier step may have changed it.
            StepContext fresh = new StepContext(operationId, context.operationType(), context.subjectId(),
                    subjects.load(context.operationType(), context.subjectId()), context.parameters());
            exchange.setProperty(STEP_CONTEXT, fresh);
            exchange.getMessage().setBody(fresh);
            holds.at(context.subjectId(), step, FaultHolds.Phase.BEFORE);
            route.process(exchange);
            holds.at(context.subjectId(), step, FaultHolds.Phase.AFTER);
            Exception failure = exchange.getException();
            OperationWaiting waiting = exchange.getException(OperationWaiting.class);
            if (waiting != null) {
                journal.stepWaiting(operationId, step, waiting.getMessage());
                return; // the exception stays: the pipeline stops here and the operation stays running
            }
            if (failure == null) {
                // A failure the step's own policy handled (step-warns: a warning) leaves the exchange marked
                // "handled", and Camel's pipeline stops at a handled exchange: the operation would end here,
                // as succeeded, with the steps after it never run. The step is over; the pipeline goes on.
                exchange.getExchangeExtension().setErrorHandlerHandled(null);
            }
            Object result = exchange.getMessage().getBody();
            StepOutcome outcome = result instanceof StepOutcome returned ? returned : StepOutcome.done();
            String journaled = failure != null ? "failed" : outcome.kind().status();
            String detail = failure != null ? Failures.describe(failure) : outcome.reason();
            journal.stepFinished(operationId, step, journaled, detail);
            metrics.stepFinished(step, journaled, java.time.Duration.ofNanos(System.nanoTime() - started));
            exchange.removeProperty(STEP_CONTEXT);
            exchange.getMessage().setBody(fresh);
        }
    }
}
