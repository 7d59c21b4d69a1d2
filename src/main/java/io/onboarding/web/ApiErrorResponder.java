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

    /** The HTTP status that tells a refusal of this kind. */
    public static int status(Refusal.Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case NOT_ALLOWED -> 405;
            case CONFLICT -> 409;
            case GONE -> 410;
            case TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
            case SATURATED -> 429;
            case INTERNAL -> 500;
            case UNAVAILABLE -> 503;
        };
    }

    /**
     * A conflict about the tenant itself (its state, its id), not one naming a field of the request
     * (an invited email already taken, which no waiting changes).
     */
    private static boolean aboutTheTenant(Refusal conflict) {
        return conflict.details().stream().allMatch(detail -> "tenant_id".equals(detail.field()));
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
            error = new Refusal(Refusal.Kind.INTERNAL, "internal_error", "the service failed to handle the request");
        }
        if (error.kind() == Refusal.Kind.CONFLICT && error.runningOperation() == null && aboutTheTenant(error)) {
            error = runningInstead(exchange, error);
        }
        HttpReplies.json(exchange, status(error.kind()), Map.of("error", error.toBody()));
        if (error.runningOperation() != null) {
            exchange.getMessage().setHeader("Location", HttpReplies.operationLocation(error.runningOperation()));
        }
        if (error.kind() == Refusal.Kind.UNAUTHENTICATED) {
            exchange.getMessage().setHeader("WWW-Authenticate", "Bearer");
        }
        if (error instanceof io.onboarding.operation.OperationAdmission.Saturated saturated) {
            exchange.getMessage().setHeader("Retry-After", Integer.toString(saturated.retryAfterSeconds()));
        }
    }
}
