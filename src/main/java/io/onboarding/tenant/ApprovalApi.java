package io.onboarding.tenant;

import io.onboarding.api.ApiRequests;
import io.onboarding.api.HttpReplies;
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
        HttpReplies.operationStarted(exchange, 202, tenantId, approvals.approve(tenantId, ApiRequests.optionalBody(exchange)), "provisioning");
    }

    public void reject(Exchange exchange) {
        UUID tenantId = ApiRequests.uuid(exchange, "tenantId", "tenant_id");
        HttpReplies.operationStarted(exchange, 202, tenantId, approvals.reject(tenantId, ApiRequests.optionalBody(exchange)),
                "awaiting_approval");
    }
}
