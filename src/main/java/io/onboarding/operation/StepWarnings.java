package io.onboarding.operation;

import io.onboarding.kit.Failures;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy of {@code step-warns} steps (route configuration {@code step-warnings}): their failure
 * does not fail the operation. It becomes the step's warning and a warning on the subject under the
 * step's topic (e.g. {@code monitoring}), which the step clears again once it succeeds.
 */
public final class StepWarnings {

    /** Set by the {@code step-warns} template: the topic of the tenant warning. */
    public static final String TOPIC = "onboardingWarningTopic";
    private static final Logger LOG = LoggerFactory.getLogger(StepWarnings.class);

    private final OperationSubjects subjects;

    public StepWarnings(OperationSubjects subjects) {
        this.subjects = subjects;
    }

    /** A failure turned into the step's warning. */
    public StepOutcome record(Exchange exchange) {
        StepContext context = exchange.getProperty(JournaledStepComponent.STEP_CONTEXT, StepContext.class);
        String topic = exchange.getProperty(TOPIC, String.class);
        String reason = Failures.describe(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
        LOG.warn("{} {}: {} not set up, a warning until it is: {}", context.operationType(), context.subjectId(), topic, reason);
        subjects.of(context.operationType()).setWarning(context.subjectId(), topic, reason);
        return StepOutcome.warning(topic + ": " + reason);
    }

    /** Success: the tenant's warning on the topic, if any, cleared. */
    public void clear(Exchange exchange) {
        StepContext context = exchange.getProperty(JournaledStepComponent.STEP_CONTEXT, StepContext.class);
        subjects.of(context.operationType()).clearWarning(context.subjectId(), exchange.getProperty(TOPIC, String.class));
    }
}
