package io.onboarding.events;

import io.onboarding.api.Json;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

/**
 * Lifecycle events as JSON on the topic {@code tenant.events} (through {@code direct:publish-tenant-event}):
 * {@code {"event","tenant_id","occurred_at",…}}. Publishing is best effort and never holds up the
 * change it reports.
 */
public final class TenantEvents {

    private final ProducerTemplate template;

    public TenantEvents(CamelContext camel) {
        this.template = camel.createProducerTemplate();
    }

    public void publish(String event, UUID tenantId) {
        publish(event, tenantId, Map.of());
    }

    public void publish(String event, UUID tenantId, Map<String, Object> details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", event);
        body.put("tenant_id", tenantId);
        body.put("occurred_at", OffsetDateTime.now(ZoneOffset.UTC));
        body.putAll(details);
        String json = Json.write(body);
        template.asyncSend("direct:publish-tenant-event", exchange -> {
            exchange.getMessage().setHeader("event", event);
            exchange.getMessage().setBody(json);
        });
    }
}
