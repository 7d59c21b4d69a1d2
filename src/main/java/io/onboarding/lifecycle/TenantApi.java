package io.onboarding.lifecycle;

import io.onboarding.tenant.PlanCatalog;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;

import io.onboarding.lifecycle.TenantOnboarding;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.access.ApiCall;
import io.onboarding.access.Scope;
import io.onboarding.kit.Refusal;
import io.onboarding.kit.ApiRequests;
import io.onboarding.kit.HttpReplies;
import io.onboarding.kit.Paging;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.apache.camel.Exchange;

/** HTTP handlers for {@code /api/v1/tenants}. */
public final class TenantApi {

    private static final Set<String> STATUSES =
            Set.of("awaiting_approval", "provisioning", "active", "failed", "suspended", "destroying", "destroyed");
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 200;

    private final TenantRepository tenants;
    private final PlanCatalog catalog;
    private final TenantLifecycle lifecycle;
    private final Function<UUID, Optional<TenantView.Git>> git;

    public TenantApi(TenantRepository tenants, PlanCatalog catalog, TenantLifecycle lifecycle,
                     Function<UUID, Optional<TenantView.Git>> git) {
        this.tenants = tenants;
        this.catalog = catalog;
        this.lifecycle = lifecycle;
        this.git = git;
    }

    /** {@code PATCH /api/v1/tenants/{id}}: plan, monitoring level or backup policy. */
    public void change(Exchange exchange) {
        UUID tenantId = ApiRequests.uuid(exchange, "tenantId", "tenant_id");
        UUID operationId = lifecycle.change(tenantId,
                io.onboarding.kit.Json.parse(exchange.getMessage().getBody(String.class)));
        HttpReplies.operationStarted(exchange, tenantId, operationId, "update");
    }

    public void suspend(Exchange exchange) {
        UUID tenantId = ApiRequests.uuid(exchange, "tenantId", "tenant_id");
        UUID operationId = lifecycle.suspend(tenantId, ApiRequests.optionalBody(exchange));
        HttpReplies.operationStarted(exchange, tenantId, operationId, "suspend");
    }

    public void resume(Exchange exchange) {
        UUID tenantId = ApiRequests.uuid(exchange, "tenantId", "tenant_id");
        HttpReplies.operationStarted(exchange, tenantId, lifecycle.resume(tenantId), "resume");
    }

    /** {@code DELETE /api/v1/tenants/{id}?confirm={tenant_name}}. */
    public void destroy(Exchange exchange) {
        UUID tenantId = ApiRequests.uuid(exchange, "tenantId", "tenant_id");
        UUID operationId = lifecycle.destroy(tenantId, ApiRequests.rawQuery(exchange, "confirm"));
        HttpReplies.operationStarted(exchange, tenantId, operationId, "destroy");
    }

    /** Naming a new tenant's cluster is an admin's choice: 403 naming {@code cluster} for any other token. */
    public void checkClusterChoice(Exchange exchange) {
        JsonNode body = exchange.getMessage().getBody(JsonNode.class);
        ApiCall call = ApiCall.of(exchange);
        if (body != null && body.hasNonNull("cluster") && call != null && call.caller() != null
                && !call.caller().permits("POST", Scope.CHOOSE_CLUSTER)) {
            throw new Refusal(403, "forbidden", "the token " + call.caller().tokenName()
                    + " may not choose the cluster", List.of(new Refusal.FieldError("cluster",
                    "only an admin token may place a tenant on a named cluster", null)));
        }
    }

    /** The reply to a create request the entry point ({@code direct:onboard-tenant}) accepted. */
    public void accepted(Exchange exchange) {
        TenantOnboarding.Accepted accepted = exchange.getMessage().getBody(TenantOnboarding.Accepted.class);
        HttpReplies.tenantAccepted(exchange, accepted.created() ? 202 : 200, accepted.tenantId(),
                accepted.operationId(), accepted.status());
    }

    public void get(Exchange exchange) {
        UUID tenantId = ApiRequests.uuid(exchange, "tenantId", "tenant_id");
        TenantRecord tenant = tenants.require(tenantId);
        HttpReplies.json(exchange, 200, TenantView.of(tenant, git.apply(tenantId).orElse(null), tenants.sslMode(tenant)));
    }

    public void list(Exchange exchange) {
        String status = ApiRequests.query(exchange, "status");
        if (status != null && !STATUSES.contains(status)) {
            throw Refusal.validation("status", "must be one of " + String.join(", ", STATUSES));
        }
        String plan = ApiRequests.query(exchange, "plan");
        if (plan != null && !catalog.planNames().contains(plan)) {
            throw Refusal.validation("plan", "must be one of " + String.join(", ", catalog.planNames()));
        }
        String region = ApiRequests.query(exchange, "region");
        if (region != null && !catalog.regions().contains(region)) {
            throw Refusal.validation("region", "must be one of " + String.join(", ", catalog.regions()));
        }
        int limit = Paging.limit(exchange, DEFAULT_LIMIT, MAX_LIMIT);
        Paging.Position after = Paging.cursor(exchange);
        List<TenantRecord> page = tenants.page(status, plan, region, after.createdAt(), after.id(), limit + 1);
        String nextCursor = null;
        if (page.size() > limit) {
            page = page.subList(0, limit);
            TenantRecord last = page.get(limit - 1);
            nextCursor = Paging.next(last.createdAt(), last.tenantId());
        }
        HttpReplies.json(exchange, 200, new TenantPage(page.stream().map(tenant -> TenantView.of(tenant, null, tenants.sslMode(tenant))).toList(), nextCursor));
    }

    /** One page of the listing; next_cursor is written as null on the last page, not dropped. */
    record TenantPage(List<TenantView> items, @JsonInclude(JsonInclude.Include.ALWAYS) String nextCursor) {
    }
}
