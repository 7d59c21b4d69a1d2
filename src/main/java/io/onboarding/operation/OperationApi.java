package io.onboarding.operation;

import io.onboarding.kit.Refusal;
import io.onboarding.kit.ApiRequests;
import io.onboarding.kit.HttpReplies;
import io.onboarding.kit.Paging;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.Exchange;

/** {@code GET /api/v1/operations}; one operation ({@code /operations/{id}}) is {@link OperationLongPoll}. */
public final class OperationApi {

    private static final Set<String> STATUSES = Set.of("running", "succeeded", "failed");
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 200;

    private final OperationListing listing;

    public OperationApi(OperationListing listing) {
        this.listing = listing;
    }

    /** {@code GET /api/v1/operations?tenant_id=&type=&status=&limit=&cursor=}. */
    public void list(Exchange exchange) {
        UUID tenantId = ApiRequests.queryUuid(exchange, "tenant_id");
        String status = ApiRequests.query(exchange, "status");
        if (status != null && !STATUSES.contains(status)) {
            throw Refusal.validation("status", "must be one of running, succeeded, failed");
        }
        String type = ApiRequests.query(exchange, "type");
        if (type != null && type.length() > 100) {
            throw Refusal.validation("type", "is at most 100 characters");
        }
        int limit = Paging.limit(exchange, DEFAULT_LIMIT, MAX_LIMIT);
        List<OperationView> rows = listing.page(tenantId, type, status, Paging.cursor(exchange), limit + 1);
        HttpReplies.json(exchange, 200, Paging.page(rows, limit, OperationView::createdAt, OperationView::operationId));
    }
}
