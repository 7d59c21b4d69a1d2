package io.onboarding.operation;

import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import io.onboarding.monitoring.OnboardingMetrics;
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
 * stopped), otherwise it is marked running, run, and marked done, warning, skipped or failed. A
 * step route that wants to finish with a warning instead of failing sets the exchange property
 * {@value #WARNING_PROPERTY} to the reason; one that found nothing to do sets {@value #SKIPPED_PROPERTY}.
 */
public final class JournaledStepComponent extends DefaultComponent {

    public static final String SCHEME = "step";
    public static final String OPERATION_ID = "operationId";
    public static final String WARNING_PROPERTY = "onboardingStepWarning";
    public static final String SKIPPED_PROPERTY = "onboardingStepSkipped";

    private final OperationJournal journal;
    private final BooleanSupplier stopping;
    private final OnboardingMetrics metrics;

    public JournaledStepComponent(OperationJournal journal, BooleanSupplier stopping, OnboardingMetrics metrics) {
        this.metrics = metrics;
        this.journal = journal;
        this.stopping = stopping;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
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
            UUID operationId = exchange.getMessage().getHeader(OPERATION_ID, UUID.class);
            String status = journal.stepStatus(operationId, step);
            if (status.equals("done") || status.equals("skipped") || status.equals("warning")) {
                return;
            }
            if (stopping.getAsBoolean()) {
                throw new OperationHandedBack();
            }
            journal.stepStarted(operationId, step);
            long started = System.nanoTime();
            exchange.removeProperty(WARNING_PROPERTY);
            exchange.removeProperty(SKIPPED_PROPERTY);
            route.process(exchange);
            Exception failure = exchange.getException();
            String warning = exchange.getProperty(WARNING_PROPERTY, String.class);
            String skipped = exchange.getProperty(SKIPPED_PROPERTY, String.class);
            String outcome = failure != null ? "failed" : warning != null ? "warning" : skipped != null ? "skipped" : "done";
            String detail = failure != null ? OperationRunner.describe(failure) : warning != null ? warning : skipped;
            journal.stepFinished(operationId, step, outcome, detail);
            metrics.stepFinished(step, outcome, java.time.Duration.ofNanos(System.nanoTime() - started));
        }
    }
}
