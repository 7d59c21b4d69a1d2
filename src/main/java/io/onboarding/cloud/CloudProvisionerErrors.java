package io.onboarding.cloud;

import java.io.IOException;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;

/** Which cloud provisioner failures the route retries: no connection, no answer, or a 5xx; never a 4xx. */
public final class CloudProvisionerErrors {

    public boolean isTransient(Exchange exchange) {
        return isTransient(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
    }

    static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof HttpOperationFailedException http) {
                return http.getStatusCode() >= 500;
            }
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

}
