package io.onboarding.events;

import io.onboarding.access.AuditEntry;
import io.onboarding.access.AuditLog;
import io.onboarding.access.RequestIds;
import io.onboarding.kit.Json;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

/**
 * Lifecycle events as JSON on the topic {@code tenant.events} (through {@code direct:publish-tenant-event}):
 * {@code {"event","tenant_id","occurred_at","request_id"?,…}}, each also appended to the audit log
 * (action: the event, outcome {@code occurred}). {@code request_id} is the API request being served
 * when the event happened, if any. Publishing is best effort and never holds up the change it reports.
 */
public final class TenantEvents {

    /** The audit log's outcome for an event. */
    public static final String OCCURRED = "occurred";

    private final ProducerTemplate template;
    private final AuditLog auditLog;

    public TenantEvents(CamelContext camel, AuditLog auditLog) {
        this.template = camel.createProducerTemplate();
        this.auditLog = auditLog;
    }

    public void publish(String event, UUID tenantId) {
        publish(event, tenantId, Map.of());
    }

    public void publish(String event, UUID tenantId, Map<String, Object> details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", event);
        body.put("tenant_id", tenantId);
        body.put("occurred_at", OffsetDateTime.now(ZoneOffset.UTC));
        String requestId = RequestIds.current();
        if (requestId != null) {
            body.put("request_id", requestId);
        }
        body.putAll(details);
        auditLog.append(AuditEntry.of(null, event, tenantId, null, null, OCCURRED, requestId));
        String json = Json.write(body);
        template.asyncSend("direct:publish-tenant-event", exchange -> {
            exchange.getMessage().setHeader("event", event);
            exchange.getMessage().setBody(json);
        });
    }
}
