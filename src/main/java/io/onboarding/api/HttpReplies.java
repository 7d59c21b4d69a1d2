package io.onboarding.api;

import io.onboarding.access.ApiCall;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Puts a JSON reply on an exchange coming from the REST DSL. */
public final class HttpReplies {

    private HttpReplies() {
    }

    /** {@code 202 {"tenant_id","operation_id","status"}} with {@code Location: /api/v1/operations/{id}}. */
    public static void operationStarted(Exchange exchange, int code, UUID tenantId, UUID operationId, String status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant_id", tenantId);
        body.put("operation_id", operationId);
        body.put("status", status);
        json(exchange, code, body);
        ApiCall.concernsTenant(exchange, tenantId);
        exchange.getMessage().setHeader("Location", "/api/v1/operations/" + operationId);
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
