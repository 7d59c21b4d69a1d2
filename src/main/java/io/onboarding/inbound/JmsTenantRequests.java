package io.onboarding.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.api.ApiException;
import io.onboarding.api.Json;
import java.util.Map;
import io.onboarding.monitoring.OnboardingMetrics;
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
 * {@code reason} property, and is not redelivered.
 */
public final class JmsTenantRequests {

    private static final Logger LOG = LoggerFactory.getLogger(JmsTenantRequests.class);
    public static final String INVALID_QUEUE = "jms:queue:tenant.requests.invalid";

    private final InboundRequests requests;
    private final ProducerTemplate template;
    private final OnboardingMetrics metrics;

    public JmsTenantRequests(CamelContext camel, InboundRequests requests, OnboardingMetrics metrics) {
        this.metrics = metrics;
        this.requests = requests;
        this.template = camel.createProducerTemplate();
    }

    public void handle(Exchange exchange) {
        String request = exchange.getMessage().getBody(String.class);
        String messageId = exchange.getMessage().getHeader("JMSMessageID", String.class);
        Map<String, Object> outcome;
        try {
            JsonNode body = Json.parse(request);
            outcome = requests.submit(body, "jms:" + messageId);
        } catch (ApiException unreadable) {
            outcome = Map.of("error", unreadable.toBody());
        }
        Object error = outcome.get("error");
        if (error != null) {
            String reason = Json.write(error);
            LOG.info("JMS message {} is invalid: {}", messageId, reason);
            template.send(INVALID_QUEUE, ExchangePattern.InOnly, invalid -> {
                invalid.getMessage().setBody(request);
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
