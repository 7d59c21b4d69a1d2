package io.onboarding.identity;

import io.onboarding.kit.ApiRequests;
import io.onboarding.kit.HttpReplies;
import io.onboarding.kit.Json;
import org.apache.camel.Exchange;

/** HTTP handlers for {@code /api/v1/tenants/{id}/auth-providers}. */
public final class AuthProviderApi {

    private final AuthProviderSettings settings;

    public AuthProviderApi(AuthProviderSettings settings) {
        this.settings = settings;
    }

    public void replace(Exchange exchange) {
        HttpReplies.json(exchange, 200, settings.replace(ApiRequests.uuid(exchange, "tenantId", "tenant_id"),
                Json.parse(exchange.getMessage().getBody(String.class))));
    }

    public void read(Exchange exchange) {
        HttpReplies.json(exchange, 200, settings.read(ApiRequests.uuid(exchange, "tenantId", "tenant_id")));
    }
}
