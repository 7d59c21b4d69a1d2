package io.onboarding.api;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Puts a JSON reply on an exchange coming from the REST DSL. */
public final class HttpReplies {

    private HttpReplies() {
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
