package io.onboarding.tenant.approval;

import io.onboarding.lifecycle.TenantOnboarding;

import io.onboarding.access.ApiCall;
import io.onboarding.kit.ApiRequests;
import io.onboarding.kit.HttpReplies;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;

/**
 * HTTP handlers for {@code POST /api/v1/tenants/{id}/approve} {@code {"approved_by"?, "note"?}} and
 * {@code /reject} {@code {"rejected_by"?, "reason"}}: one pair of bodies, the decider named the same
 * way in both (the calling token's name when left out). The 202 names the onboarding's
 * {@code provision} operation, which the decision lets go on or end, and the {@code decision}.
 */
public final class ApprovalApi {

    private final TenantApprovals approvals;

    public ApprovalApi(TenantApprovals approvals) {
        this.approvals = approvals;
    }

    public void approve(Exchange exchange) {
        UUID tenantId = ApiRequests.uuid(exchange, "tenantId", "tenant_id");
        UUID operationId = approvals.approve(tenantId, ApiRequests.optionalBody(exchange), caller(exchange));
        HttpReplies.operationStarted(exchange, tenantId, operationId, TenantOnboarding.PROVISION,
                Map.of("decision", "approved"));
    }

    public void reject(Exchange exchange) {
        UUID tenantId = ApiRequests.uuid(exchange, "tenantId", "tenant_id");
        UUID operationId = approvals.reject(tenantId, ApiRequests.optionalBody(exchange), caller(exchange));
        HttpReplies.operationStarted(exchange, tenantId, operationId, TenantOnboarding.PROVISION,
                Map.of("decision", "rejected"));
    }

    /** Who decided, when the body does not say: the name of the token that called. */
    private static String caller(Exchange exchange) {
        ApiCall call = ApiCall.of(exchange);
        return call != null && call.caller() != null ? call.caller().tokenName() : "operator";
    }
}
