package io.onboarding.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.onboarding.kit.Refusal;
import io.onboarding.kit.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import io.onboarding.observe.OnboardingMetrics;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A create-tenant request from the JMS queue {@code tenant.requests}. The body becomes the reply
 * (sent when JMSReplyTo is set): {@code tenant_id, operation_id, status} or {@code {"error":…}}.
 * A request that can never succeed also goes to {@code tenant.requests.invalid} with a
 * {@code reason} property, and is not redelivered. That queue is bounded: its messages expire
 * ({@code onboarding.jms.invalid-ttl-ms}), and a request over {@code onboarding.jms.max-message-bytes}
 * is neither parsed nor copied there, only its reason; a copy there has the auth providers' client
 * secrets redacted. The embedded broker refuses a message far over the limit to its producer, before
 * anyone reads it (see EmbeddedBroker).
 */
public final class JmsTenantRequests {

    private static final Logger LOG = LoggerFactory.getLogger(JmsTenantRequests.class);
    /** Settings only, never request data, in this URI. */
    static final String INVALID_QUEUE = "jms:queue:tenant.requests.invalid"
            + "?explicitQosEnabled=true&timeToLive={{onboarding.jms.invalid-ttl-ms}}";

    private final InboundRequests requests;
    private final ProducerTemplate template;
    private final OnboardingMetrics metrics;
    private final int maxMessageBytes;

    public JmsTenantRequests(CamelContext camel, InboundRequests requests, OnboardingMetrics metrics,
                             int maxMessageBytes) {
        this.metrics = metrics;
        this.maxMessageBytes = maxMessageBytes;
        this.requests = requests;
        this.template = camel.createProducerTemplate();
    }

    /**
     * The request as kept in tenant.requests.invalid (for days): the auth providers' client secrets
     * replaced by {@code ********}, as GET shows them, so that they do not outlive the message there.
     * A body that is not JSON is kept as it is.
     */
    static String withoutSecrets(String request) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(request);
        } catch (Exception notJson) {
            return request;
        }
        if (body instanceof ObjectNode object && object.get("auth_providers") instanceof ObjectNode providers) {
            providers.forEach(provider -> {
                if (provider instanceof ObjectNode settings && settings.has("client_secret")) {
                    settings.put("client_secret", "********");
                }
            });
            return Json.write(object);
        }
        return request;
    }

    public void handle(Exchange exchange) {
        String request = exchange.getMessage().getBody(String.class);
        String messageId = exchange.getMessage().getHeader("JMSMessageID", String.class);
        boolean tooLarge = request != null && request.getBytes(StandardCharsets.UTF_8).length > maxMessageBytes;
        Map<String, Object> outcome;
        try {
            if (tooLarge) {
                throw Refusal.validation("body", "is over " + maxMessageBytes + " bytes");
            }
            JsonNode body = Json.parse(request);
            outcome = requests.submit(body, "jms:" + messageId);
        } catch (Refusal unreadable) {
            outcome = Map.of("error", unreadable.toBody());
        }
        Object error = outcome.get("error");
        if (error != null) {
            String reason = Json.write(error);
            LOG.info("JMS message {} is invalid: {}", messageId, reason);
            template.send(INVALID_QUEUE, ExchangePattern.InOnly, invalid -> {
                invalid.getMessage().setBody(tooLarge ? "" : withoutSecrets(request));
                invalid.getMessage().setHeader("reason", reason);
                invalid.getMessage().setHeader("originalMessageId", messageId);
            });
            outcome = Map.of("error", error);
        }
        metrics.jmsMessage(error == null ? "accepted" : "invalid");
        exchange.getMessage().setBody(Json.write(outcome));
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
    }
}
