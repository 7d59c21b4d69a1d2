package io.onboarding.events;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/** Lifecycle events published to the {@code tenant.events} topic. */
public class EventsConfiguration implements CamelConfiguration {

    @BindToRegistry("tenantEvents")
    public TenantEvents tenantEvents(CamelContext camel) {
        return new TenantEvents(camel);
    }
}
