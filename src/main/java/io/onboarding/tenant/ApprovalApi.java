package io.onboarding.tenant;

import io.onboarding.api.ApiRequests;
import io.onboarding.api.HttpReplies;
import io.onboarding.api.Json;
import java.util.UUID;
import org.apache.camel.Exchange;

/** HTTP handlers for {@code POST /api/v1/tenants/{id}/approve} and {@code /reject}. */
public final class ApprovalApi {

    private final TenantApprovals approvals;

    public ApprovalApi(TenantApprovals approvals) {
        this.approvals = approvals;
    }

    public void approve(Exchange exchange) {
        UUID tenantId = ApiRequests.uuid(exchange, "tenantId", "tenant_id");
        HttpReplies.operationStarted(exchange, 202, tenantId, approvals.approve(tenantId, body(exchange)), "provisioning");
    }

    public void reject(Exchange exchange) {
        UUID tenantId = ApiRequests.uuid(exchange, "tenantId", "tenant_id");
        HttpReplies.operationStarted(exchange, 202, tenantId, approvals.reject(tenantId, body(exchange)),
                "awaiting_approval");
    }

    private static com.fasterxml.jackson.databind.JsonNode body(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        return body == null || body.isBlank() ? null : Json.parse(body);
    }
}
