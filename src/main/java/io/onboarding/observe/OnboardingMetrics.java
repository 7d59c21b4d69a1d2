package io.onboarding.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The service's own metrics, on {@code /observe/metrics} beside Camel's and the JVM's. Names use
 * Micrometer's dotted style; Prometheus sees them with underscores (e.g.
 * {@code onboarding_operations_total{type,outcome}}).
 */
public final class OnboardingMetrics {

    private final MeterRegistry registry;

    public OnboardingMetrics(MeterRegistry registry) {
        this.registry = registry;
        compensationsGivenUp();
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** An operation ended: outcome succeeded or failed (failed means compensated). */
    public void operationFinished(String type, String outcome) {
        Counter.builder("onboarding.operations").description("Operations finished, by type and outcome")
                .tag("type", type).tag("outcome", outcome).register(registry).increment();
    }

    /** A compensation given up after its attempt limit (the operation failed, "compensated": false). */
    public void compensationGivenUp() {
        compensationsGivenUp().increment();
    }

    /** Registered from the start at 0, so that the first give-up is an increase the alert rule sees. */
    private Counter compensationsGivenUp() {
        return Counter.builder("onboarding.compensation.given.up")
                .description("Compensations given up after onboarding.operations.max-compensation-attempts")
                .register(registry);
    }

    public void stepFinished(String step, String status, Duration duration) {
        Timer.builder("onboarding.operation.step.duration").description("Time each operation step took")
                .tag("step", step).tag("status", status).publishPercentileHistogram()
                .register(registry).record(duration);
    }

    /** An inbox file handled: outcome processed, duplicate or failed. */
    public void inboxFile(String outcome) {
        Counter.builder("onboarding.inbox.files").description("Inbox batch files handled")
                .tag("outcome", outcome).register(registry).increment();
    }

    /** An inbox record handled: outcome accepted or refused. */
    public void inboxRecord(String outcome) {
        Counter.builder("onboarding.inbox.records").description("Inbox batch records handled")
                .tag("outcome", outcome).register(registry).increment();
    }

    /** A JMS request handled: outcome accepted or invalid. */
    public void jmsMessage(String outcome) {
        Counter.builder("onboarding.jms.messages").description("JMS tenant requests handled")
                .tag("outcome", outcome).register(registry).increment();
    }

    /** An invitation mail delivery attempt: outcome sent or failed. */
    public void invitationMail(String outcome) {
        Counter.builder("onboarding.invitations").description("Invitation mail delivery attempts")
                .tag("outcome", outcome).register(registry).increment();
    }
}
