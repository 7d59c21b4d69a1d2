package io.onboarding.access;

import io.vertx.core.net.SocketAddress;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;
import org.slf4j.MDC;

/**
 * One API call as access control and the audit log see it, kept on its exchange from the first
 * step of its route: request id, method, action (the route's id without {@code api-}), where it
 * came from, who made it (once the token is checked) and the tenant it concerns (the path's, or
 * one the handler names).
 */
public final class ApiCall {

    private static final String PROPERTY = "onboarding.api-call";
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    private final String requestId;
    private final String method;
    private final String action;
    private final String clientAddress;
    private final String userAgent;
    private volatile Caller caller;
    private volatile UUID tenantId;

    private ApiCall(String requestId, String method, String action, String clientAddress, String userAgent,
                    UUID tenantId) {
        this.requestId = requestId;
        this.method = method;
        this.action = action;
        this.clientAddress = clientAddress;
        this.userAgent = userAgent;
        this.tenantId = tenantId;
    }

    /**
     * Starts the call's record: the request id (set by the front gate; made here if missing) goes
     * into the log MDC until {@link #finish}.
     */
    public static ApiCall begin(Exchange exchange) {
        var message = exchange.getMessage();
        String requestId = RequestIds.acceptOrNew(message.getHeader(RequestIds.HEADER, String.class));
        Object remote = message.getHeader(VertxPlatformHttpConstants.REMOTE_ADDRESS);
        ApiCall call = new ApiCall(requestId, message.getHeader(Exchange.HTTP_METHOD, "", String.class),
                actionOf(exchange.getFromRouteId()),
                remote instanceof SocketAddress address ? address.hostAddress() : null,
                message.getHeader("User-Agent", String.class), uuidOrNull(message.getHeader("tenantId", String.class)));
        exchange.setProperty(PROPERTY, call);
        MDC.put(RequestIds.MDC_KEY, requestId);
        return call;
    }

    /** The call on this exchange, or null (not an API exchange). */
    public static ApiCall of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, ApiCall.class);
    }

    /** The tenant the handler said the call concerns ({@link io.onboarding.kit.HttpReplies#concernsTenant}), if any. */
    void concerns(UUID tenantId) {
        if (tenantId != null) {
            this.tenantId = tenantId;
        }
    }

    /** The log MDC of the thread that served the call is cleared. */
    public static void finish() {
        MDC.remove(RequestIds.MDC_KEY);
    }

    /** {@code api-destroy-tenant} (or its handler route, {@code …-handler}) → {@code destroy-tenant}. */
    static String actionOf(String routeId) {
        String action = routeId == null ? "unknown" : routeId;
        action = action.startsWith("api-") ? action.substring(4) : action;
        return action.endsWith("-handler") ? action.substring(0, action.length() - 8) : action;
    }

    private static UUID uuidOrNull(String text) {
        try {
            return text == null ? null : UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public void identify(Caller who) {
        this.caller = who;
    }

    public boolean mutates() {
        return !READS.contains(method);
    }

    public AuditEntry audit(String outcome) {
        return AuditEntry.of(caller == null ? null : caller.tokenName(), action, tenantId, clientAddress, userAgent,
                outcome, requestId);
    }

    public String requestId() {
        return requestId;
    }

    public String method() {
        return method;
    }

    public String action() {
        return action;
    }

    public Caller caller() {
        return caller;
    }
}
