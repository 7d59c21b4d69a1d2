package io.onboarding.web;

import io.onboarding.kit.HttpReplies;
import io.onboarding.kit.Refusal;

import io.onboarding.operation.OperationJournal;
import io.onboarding.operation.SubjectBusyException;
import java.util.UUID;
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

    /**
     * A 409 about the tenant's state ("is active, not suspended") while the tenant runs an operation
     * is really that operation in the way (a resume sent right after a suspend): the answer names it,
     * as a busy tenant's 409 does, so the caller waits for it instead of reading the old state.
     */
    private static Refusal runningInstead(Exchange exchange, Refusal conflict) {
        UUID tenantId;
        try {
            Object header = exchange.getMessage().getHeader("tenantId");
            if (header == null) {
                return conflict;
            }
            tenantId = UUID.fromString(header.toString());
        } catch (IllegalArgumentException notOne) {
            return conflict;
        }
        OperationJournal journal = exchange.getContext().getRegistry()
                .lookupByNameAndType("operationJournal", OperationJournal.class);
        if (journal == null) {
            return conflict;
        }
        return journal.unfinished(tenantId).map(running -> Refusal.busy(tenantId, running,
                conflict.getMessage() + " while its operation " + running + " runs; wait for it ("
                        + HttpReplies.operationLocation(running) + "?wait=60) and try again")).orElse(conflict);
    }

    @Override
    public void process(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Refusal error = failure instanceof Refusal api ? api
                : failure instanceof SubjectBusyException busy ? Refusal.busy(busy.tenantId(), busy.runningOperationId(), busy.getMessage())
                : null;
        if (error == null) {
            // The route, not the URI: a URI can carry a one-time invitation token.
            LOG.error("Internal error serving {} ({})", exchange.getFromRouteId(),
                    exchange.getMessage().getHeader(Exchange.HTTP_METHOD), failure);
            error = new Refusal(500, "internal_error", "the service failed to handle the request");
        }
        if (error.status() == 409 && error.runningOperation() == null) {
            error = runningInstead(exchange, error);
        }
        HttpReplies.json(exchange, error.status(), Map.of("error", error.toBody()));
        if (error.runningOperation() != null) {
            exchange.getMessage().setHeader("Location", HttpReplies.operationLocation(error.runningOperation()));
        }
        if (error.status() == 401) {
            exchange.getMessage().setHeader("WWW-Authenticate", "Bearer");
        }
        if (error instanceof io.onboarding.operation.OperationAdmission.Saturated saturated) {
            exchange.getMessage().setHeader("Retry-After", Integer.toString(saturated.retryAfterSeconds()));
        }
    }
}
