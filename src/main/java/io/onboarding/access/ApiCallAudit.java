package io.onboarding.access;

import io.onboarding.kit.HttpReplies;
import java.util.UUID;

import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.spi.SynchronizationRouteAware;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * The first step of every API route (routes/api.yaml's route configurations): begins the call's
 * record ({@link ApiCall}) and, once the route has decided the reply (whatever failed, token and
 * scope checks included), appends the audit row of a mutating call with its HTTP status and clears
 * the request id from the log MDC. That last part runs on the thread that served the call, before
 * the reply is written.
 */
public final class ApiCallAudit {

    private final Consumer<AuditEntry> auditLog;

    /** {@code auditLog}: where entries go ({@link AuditLog#append}). */
    public ApiCallAudit(Consumer<AuditEntry> auditLog) {
        this.auditLog = auditLog;
    }

    public void begin(Exchange exchange) {
        ApiCall.begin(exchange);
        String firstRoute = exchange.getFromRouteId();
        exchange.getExchangeExtension().addOnCompletion(new AfterRoute(firstRoute));
    }

    /** Once the route the call came in by is done; a route it called leaving changes nothing. */
    private final class AfterRoute extends SynchronizationAdapter implements SynchronizationRouteAware {

        private final String routeId;

        private AfterRoute(String routeId) {
            this.routeId = routeId;
        }

        @Override
        public SynchronizationRouteAware getRouteSynchronization() {
            return this;
        }

        @Override
        public void onBeforeRoute(Route route, Exchange exchange) {
            // nothing before: the call's record began with the route
        }

        @Override
        public void onAfterRoute(Route route, Exchange exchange) {
            if (routeId != null && !routeId.equals(route.getRouteId())) {
                return;
            }
            end(exchange);
        }
    }

    void end(Exchange exchange) {
        try {
            ApiCall call = ApiCall.of(exchange);
            if (call != null && call.mutates()) {
                Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
                call.concerns(exchange.getProperty(HttpReplies.CONCERNS_TENANT, UUID.class));
                auditLog.accept(call.audit(String.valueOf(status == null ? 200 : status)));
            }
        } finally {
            ApiCall.finish();
        }
    }
}
