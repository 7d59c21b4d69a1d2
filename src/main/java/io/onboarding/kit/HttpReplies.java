package io.onboarding.kit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Puts a JSON reply on an exchange coming from the REST DSL. */
public final class HttpReplies {

    private HttpReplies() {
    }

    /**
     * {@code 202 {"operation_id","type","tenant_id","status":"running"}} with
     * {@code Location: /api/v1/operations/{id}}: the body describes the operation that was started
     * (the status is the operation's, as {@code GET} on the Location shows it), never the tenant's
     * status before it ran, which could read as the opposite of what was asked.
     */
    public static void operationStarted(Exchange exchange, UUID tenantId, UUID operationId, String type) {
        operationStarted(exchange, tenantId, operationId, type, Map.of());
    }

    /** The same with fields of its own after the operation's (an approval's {@code decision}). */
    public static void operationStarted(Exchange exchange, UUID tenantId, UUID operationId, String type,
                                        Map<String, Object> more) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("operation_id", operationId);
        body.put("type", type);
        body.put("tenant_id", tenantId);
        body.put("status", "running");
        body.putAll(more);
        json(exchange, 202, body);
        concernsTenant(exchange, tenantId);
        exchange.getMessage().setHeader("Location", operationLocation(operationId));
    }

    /**
     * The create reply keeps the contract's v1 body, {@code {"tenant_id","operation_id","status"}}
     * with the new tenant's status ({@code provisioning}, or {@code awaiting_approval}), plus the
     * operation's {@code type}; 202, or 200 for the same request again.
     */
    public static void tenantAccepted(Exchange exchange, int code, UUID tenantId, UUID operationId, String status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant_id", tenantId);
        body.put("operation_id", operationId);
        body.put("status", status);
        body.put("type", "provision");
        json(exchange, code, body);
        concernsTenant(exchange, tenantId);
        exchange.getMessage().setHeader("Location", operationLocation(operationId));
    }

    /** The exchange property naming the tenant an API call concerns, for its audit entry. */
    public static final String CONCERNS_TENANT = "onboarding.concerns-tenant";

    /** The handler says which tenant the call concerns (a tenant it created, an invitation's tenant). */
    public static void concernsTenant(Exchange exchange, UUID tenantId) {
        if (tenantId != null) {
            exchange.setProperty(CONCERNS_TENANT, tenantId);
        }
    }

    public static String operationLocation(UUID operationId) {
        return "/api/v1/operations/" + operationId;
    }

    public static void json(Exchange exchange, int status, Object body) {
        Message message = exchange.getMessage();
        // Request headers (query parameters among them) must not echo back as response headers.
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(Json.write(body));
    }
}
