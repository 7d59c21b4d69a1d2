package io.onboarding.git;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.onboarding.kit.Json;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * Calls of the Git server's REST API through the route {@code git-server-call} (routes/git.yaml), whose
 * endpoint URI is fixed configuration. The per-call path goes in {@code CamelHttpPath}, which camel-http
 * appends after resolving placeholders in the URI (unlike {@code CamelHttpUri}, which it resolves), and
 * the JSON in the body: nothing of a request becomes part of an endpoint URI.
 */
final class GitServerClient {

    /** A status and the JSON answered (missing if there was none). */
    record Reply(int status, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final ProducerTemplate template;

    GitServerClient(CamelContext camel) {
        this.template = camel.createProducerTemplate();
    }

    Reply call(String method, String path, Object body) {
        Exchange result = template.send("direct:git-server", exchange -> {
            exchange.getMessage().setHeader(Exchange.HTTP_METHOD, method);
            exchange.getMessage().setHeader(Exchange.HTTP_PATH, path);
            if (body != null) {
                exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            }
            exchange.getMessage().setBody(body == null ? null : Json.write(body));
        });
        if (result.getException() != null) {
            throw new IllegalStateException("Git server " + method + " " + path + " failed: "
                    + result.getException().getMessage(), result.getException());
        }
        Integer status = result.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String text = result.getMessage().getBody(String.class);
        JsonNode json = MissingNode.getInstance();
        if (text != null && !text.isBlank()) {
            try {
                json = Json.MAPPER.readTree(text);
            } catch (Exception e) {
                json = MissingNode.getInstance();
            }
        }
        return new Reply(status == null ? 0 : status, json);
    }

    /** A failure naming the call and the server's message, never a credential. */
    static IllegalStateException failure(String what, Reply reply) {
        String message = reply.body().path("message").asText("");
        return new IllegalStateException("Git server: " + what + " answered " + reply.status()
                + (message.isEmpty() ? "" : ": " + message));
    }
}
