package io.onboarding.operation;

import io.onboarding.tenant.TenantWarnings;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy of {@code step-warns} steps (route configuration {@code step-warnings}): their failure
 * does not fail the operation. It becomes the step's warning and a warning on the tenant under the
 * step's topic (e.g. {@code monitoring}), which the step clears again once it succeeds.
 */
public final class StepWarnings {

    /** Set by the {@code step-warns} template: the topic of the tenant warning. */
    public static final String TOPIC = "onboardingWarningTopic";
    private static final Logger LOG = LoggerFactory.getLogger(StepWarnings.class);

    private final TenantWarnings tenants;

    public StepWarnings(TenantWarnings tenants) {
        this.tenants = tenants;
    }

    /** A failure turned into the step's warning. */
    public StepOutcome record(Exchange exchange) {
        StepContext context = exchange.getProperty(JournaledStepComponent.STEP_CONTEXT, StepContext.class);
        String topic = exchange.getProperty(TOPIC, String.class);
        String reason = OperationRunner.describe(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
        LOG.warn("Tenant {}: {} not set up, a warning until it is: {}", context.tenantId(), topic, reason);
        tenants.setWarning(context.tenantId(), topic, reason);
        return StepOutcome.warning(topic + ": " + reason);
    }

    /** Success: the tenant's warning on the topic, if any, cleared. */
    public void clear(Exchange exchange) {
        StepContext context = exchange.getProperty(JournaledStepComponent.STEP_CONTEXT, StepContext.class);
        tenants.clearWarning(context.tenantId(), exchange.getProperty(TOPIC, String.class));
    }
}
