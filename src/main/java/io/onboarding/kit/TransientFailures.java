package io.onboarding.kit;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * The {@code onWhen} of every retry policy in the routes (operation steps, Vault, the cloud
 * provisioner): the caught failure is worth another try ({@link Failures#isTransient}).
 */
public final class TransientFailures implements Predicate {

    @Override
    public boolean matches(Exchange exchange) {
        return Failures.isTransient(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
    }
}
