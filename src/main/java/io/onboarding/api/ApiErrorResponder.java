package io.onboarding.api;

import io.onboarding.operation.TenantBusyException;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders whatever went wrong while serving an API call in the contract's error shape. Our own
 * failures become a 500 whose body says nothing internal; the details go to the log.
 */
public final class ApiErrorResponder implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrorResponder.class);

    @Override
    public void process(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ApiException error = failure instanceof ApiException api ? api
                : failure instanceof TenantBusyException busy ? ApiException.busy(busy.tenantId(), busy.runningOperationId(), busy.getMessage())
                : null;
        if (error == null) {
            // The route, not the URI: a URI can carry a one-time invitation token.
            LOG.error("Internal error serving {} ({})", exchange.getFromRouteId(),
                    exchange.getMessage().getHeader(Exchange.HTTP_METHOD), failure);
            error = new ApiException(500, "internal_error", "the service failed to handle the request");
        }
        HttpReplies.json(exchange, error.status(), Map.of("error", error.toBody()));
        if (error.status() == 401) {
            exchange.getMessage().setHeader("WWW-Authenticate", "Bearer");
        }
        if (error instanceof io.onboarding.operation.OperationAdmission.Saturated saturated) {
            exchange.getMessage().setHeader("Retry-After", Integer.toString(saturated.retryAfterSeconds()));
        }
    }
}
