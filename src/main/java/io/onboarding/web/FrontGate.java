package io.onboarding.web;

import io.onboarding.kit.Json;
import io.onboarding.kit.Refusal;

import io.onboarding.access.AuditEntry;
import io.onboarding.access.AuditLog;
import io.onboarding.access.Caller;
import io.onboarding.access.RequestIds;
import io.onboarding.operation.RequestsFirst;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.TCPServerBase;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * The first handler on the HTTP server, ahead of the body handler every Camel route has: a request
 * that will be refused anyway is answered before a byte of its body is read. An {@code /api} call
 * without the admin token gets its 401 here, a declared body over {@code MAX_BODY_BYTES} its 413
 * (a body without a declared length, chunked, is read here and counted as it comes: the 413 is sent and
 * the connection closed as soon as it goes over, so it is never buffered whole), and
 * {@code /observe/metrics} wants its token ({@link MetricsAccess}). Every response carries
 * {@code X-Request-Id} (the caller's if sane, else a new one), which the routes read from the
 * request. From the moment the service begins to stop until its listener closes, every request gets
 * 503 with {@code Retry-After} (in the error shape), never a 404 for a route already removed. A
 * mutating /api call refused here is recorded in the audit log as
 * {@code refused-at-front-door} (its path is not: an invitation path carries a credential).
 */
public final class FrontGate implements Handler<RoutingContext> {

    /** Invitation links carry their own credential: no bearer token. */
    private static final String PUBLIC_API = "/api/v1/invitations/";

    /** In the start-up failure of a service whose HTTP port is taken (the test harnesses retry on it). */
    public static final String PORT_TAKEN = "is the port taken?";

    /** The audit log's action for a call refused by the gate. */
    public static final String REFUSED = "refused-at-front-door";
    private static final String CALLER = "onboarding.caller";

    /** Retry-After of the 503 a stopping instance answers with. */
    static final int STOPPING_RETRY_AFTER_SECONDS = 5;

    /** Set by {@link #install}: whose status says whether the service is stopping. */
    private volatile CamelContext camel;

    private final BearerTokenGuard apiGuard;
    private final AuditLog auditLog;
    private final long maxBodyBytes;
    private final MetricsAccess metrics;
    private final RequestsFirst requestsFirst;

    public FrontGate(BearerTokenGuard apiGuard, AuditLog auditLog, long maxBodyBytes, MetricsAccess metrics,
                     RequestsFirst requestsFirst) {
        this.apiGuard = apiGuard;
        this.requestsFirst = requestsFirst;
        this.auditLog = auditLog;
        this.maxBodyBytes = maxBodyBytes;
        this.metrics = metrics;
    }

    /** Puts the gate in front of every route of the server on {@code port}. */
    public void install(CamelContext camel, int port) {
        VertxPlatformHttpRouter router = router(camel, port);
        // Vert.x reports a failed bind only in its log, and Camel starts on without an HTTP server: a
        // service nobody can reach must not look alive to its supervisor. It stops, saying why.
        if (!(router.getServer().getServer() instanceof TCPServerBase server) || !server.isListening()) {
            throw new IllegalStateException("the HTTP server is not listening on port " + port
                    + " (" + PORT_TAKEN + " see the line above)");
        }
        this.camel = camel;
        router.route().order(Integer.MIN_VALUE).handler(this);
        // While Camel stops, its routes are removed before the server closes: what no route took then may
        // well be a path that exists, so it gets the 503 a stopping instance gives (never the 404 below).
        router.route().order(Integer.MAX_VALUE - 1).handler(context -> {
            if (stopping()) {
                replyStopping(context);
            } else {
                context.next();
            }
        });
        // Last of all: what no route took is an unknown path (404) or, if a route has the path for
        // other methods, a wrong method (405), in the error shape rather than Vert.x's HTML.
        router.route().order(Integer.MAX_VALUE).handler(context -> {
            String path = context.normalizedPath();
            java.util.Set<String> allowed = new java.util.TreeSet<>();
            boolean pathKnown = false;
            for (io.vertx.ext.web.Route route : router.getRoutes()) {
                if (route.getPath() != null && samePath(route.getPath(), path)) {
                    pathKnown = true;
                    if (route.methods() != null) {
                        route.methods().forEach(method -> allowed.add(method.name()));
                    }
                }
            }
            if (allowed.contains("GET")) {
                allowed.add("HEAD");
            }
            if (pathKnown && !allowed.isEmpty()) {
                // RFC 9110: a 405 says which methods the resource has.
                context.response().putHeader(HttpHeaders.ALLOW, String.join(", ", allowed));
            }
            reply(context, pathKnown
                    ? new Refusal(405, "method_not_allowed", context.request().method() + " is not allowed here"
                            + (allowed.isEmpty() ? "" : "; allowed: " + String.join(", ", allowed)))
                    : new Refusal(404, "not_found", "no such path"));
        });
    }

    /** The Vert.x router of the HTTP server on {@code port} (Camel's platform-http), for handlers of our own. */
    public static VertxPlatformHttpRouter router(CamelContext camel, int port) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(camel,
                VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            throw new IllegalStateException("no HTTP server on port " + port);
        }
        return router;
    }

    /** Whether a route path ({@code /api/v1/tenants/:tenantId}) matches a request path, segment by segment. */
    private static boolean samePath(String routePath, String path) {
        String[] route = routePath.split("/", -1);
        String[] request = path.split("/", -1);
        if (route.length != request.length) {
            return false;
        }
        for (int i = 0; i < route.length; i++) {
            if (!route[i].startsWith(":") && !route[i].equals(request[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void handle(RoutingContext context) {
        String requestId = RequestIds.acceptOrNew(context.request().getHeader(RequestIds.HEADER));
        context.request().headers().set(RequestIds.HEADER, requestId);
        context.addHeadersEndHandler(ended -> context.response().putHeader(RequestIds.HEADER, requestId));
        if (stopping()) {
            replyStopping(context);
            return;
        }
        String path = context.normalizedPath();
        if (path.startsWith("/api/") && isMutating(context.request().method())) {
            // Running operations give way until it is answered (or its connection is gone).
            requestsFirst.requestStarted();
            context.addEndHandler(ended -> requestsFirst.requestEnded());
        }
        String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (path.startsWith("/api/") && !path.startsWith(PUBLIC_API)) {
            try {
                context.put(CALLER, apiGuard.authenticate(authorization));
            } catch (Refusal refusal) {
                reply(context, refusal);
                return;
            }
        }
        if (path.startsWith("/observe/metrics") && !metrics.admits(authorization, apiGuard)) {
            reply(context, new Refusal(401, "unauthorized", metrics.refusal()));
            return;
        }
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && declaredLength(length) > maxBodyBytes) {
            reply(context, tooLarge());
            return;
        }
        if (path.startsWith("/api/") && hasBody(context, length) && !isJson(context)) {
            reply(context, new Refusal(415, "unsupported_media_type",
                    "the request body must be JSON (Content-Type: application/json)"));
            return;
        }
        if (length == null && hasBody(context, null)) {
            readCounted(context);
            return;
        }
        context.next();
    }

    /** From the moment Camel begins to stop (after SIGTERM, once running operations are done or handed back). */
    private boolean stopping() {
        CamelContext context = camel;
        if (context == null) {
            return false;
        }
        ServiceStatus status = context.getStatus();
        return status.isStopping() || status.isStopped() || status.isSuspending() || status.isSuspended();
    }

    /** 503 with Retry-After in the error shape: the client sends it again, here once back or to another instance. */
    private void replyStopping(RoutingContext context) {
        context.response().putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(STOPPING_RETRY_AFTER_SECONDS));
        reply(context, new Refusal(503, "stopping",
                "this instance is stopping; send the request again (to another instance, or here once it is back)"));
    }

    /** A mutating /api call refused here; recorded off the event loop. */
    private void audit(RoutingContext context, int status) {
        if (!context.normalizedPath().startsWith("/api/") || !isMutating(context.request().method())) {
            return;
        }
        Caller caller = context.get(CALLER);
        var remote = context.request().remoteAddress();
        AuditEntry entry = AuditEntry.of(caller == null ? null : caller.tokenName(), REFUSED, null,
                remote == null ? null : remote.hostAddress(), context.request().getHeader(HttpHeaders.USER_AGENT),
                Integer.toString(status), context.request().getHeader(RequestIds.HEADER));
        context.vertx().executeBlocking(() -> {
            auditLog.append(entry);
            return null;
        }, false);
    }

    /**
     * A body without a declared length, read here chunk by chunk up to {@code maxBodyBytes} and handed
     * on as the request's body (the body handler behind sees it read and leaves it); one byte more and
     * the 413 goes out and the connection is closed, the rest never read.
     */
    private void readCounted(RoutingContext context) {
        HttpServerRequest request = context.request();
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        request.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if ((long) body.length() + chunk.length() > maxBodyBytes) {
                refused[0] = true;
                reply(context, tooLarge());
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(failure -> refused[0] = true);
        request.endHandler(ended -> {
            if (!refused[0]) {
                ((RoutingContextInternal) context).visitHandler(RoutingContextInternal.BODY_HANDLER);
                ((RoutingContextInternal) context).setBody(body);
                context.next();
            }
        });
        request.resume();
    }

    private static boolean isMutating(HttpMethod method) {
        return method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.OPTIONS;
    }

    private Refusal tooLarge() {
        return new Refusal(413, "payload_too_large", "the request body is over " + maxBodyBytes + " bytes");
    }

    private static boolean hasBody(RoutingContext context, String length) {
        return length != null ? declaredLength(length) > 0 : context.request().getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }

    /** application/json, or a +json type, parameters (charset) aside. */
    private static boolean isJson(RoutingContext context) {
        String type = context.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null) {
            return false;
        }
        String mediaType = type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return mediaType.equals("application/json") || mediaType.startsWith("application/") && mediaType.endsWith("+json");
    }

    private static long declaredLength(String header) {
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // not a length: refused as too large rather than read
        }
    }

    private void reply(RoutingContext context, Refusal error) {
        audit(context, error.status());
        var response = context.response().setStatusCode(error.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (error.status() == 401) {
            response.putHeader("WWW-Authenticate", "Bearer");
        }
        String body = Json.write(Map.of("error", error.toBody()));
        if (context.request().version() == HttpVersion.HTTP_2) {
            response.end(body); // the stream ends; flow control keeps the rest of its body from coming
            return;
        }
        // HTTP/1.x: the unread body is not wanted, so the connection is closed once the reply is out.
        response.putHeader(HttpHeaders.CONNECTION, "close");
        response.end(body).onComplete(sent -> context.request().connection().close());
    }
}
