package io.onboarding.events;

import io.onboarding.access.AuditLog;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/** Lifecycle events published to the {@code tenant.events} topic (and recorded in the audit log). */
public class EventsConfiguration implements CamelConfiguration {

    @BindToRegistry("tenantEvents")
    public TenantEvents tenantEvents(CamelContext camel, AuditLog auditLog) {
        return new TenantEvents(camel, auditLog);
    }
}
