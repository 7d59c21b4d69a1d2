package io.onboarding.access;

import io.onboarding.kit.Refusal;
import io.onboarding.kit.ApiRequests;
import io.onboarding.kit.HttpReplies;
import io.onboarding.kit.Paging;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import org.apache.camel.Exchange;

/** {@code GET /api/v1/audit?tenant_id=&action=&since=&limit=&cursor=}, newest first. */
public final class AuditApi {

    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 500;

    private final AuditLog auditLog;

    public AuditApi(AuditLog auditLog) {
        this.auditLog = auditLog;
    }

    public void list(Exchange exchange) {
        UUID tenantId = ApiRequests.queryUuid(exchange, "tenant_id");
        String action = ApiRequests.query(exchange, "action");
        if (action != null && action.length() > 100) {
            throw Refusal.validation("action", "is at most 100 characters");
        }
        OffsetDateTime since = since(ApiRequests.query(exchange, "since"));
        int limit = Paging.limit(exchange, DEFAULT_LIMIT, MAX_LIMIT);
        List<AuditEntry> rows = auditLog.page(tenantId, action, since, Paging.cursor(exchange), limit + 1);
        HttpReplies.json(exchange, 200, Paging.page(rows, limit, AuditEntry::at, AuditEntry::auditId));
    }

    private static OffsetDateTime since(String text) {
        try {
            return text == null ? null : OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            throw Refusal.validation("since", "must be an ISO-8601 timestamp with an offset, e.g. 2030-01-01T00:00:00Z");
        }
    }
}
