package io.onboarding.operation;

import io.onboarding.api.ApiException;
import io.onboarding.api.ApiRequests;
import io.onboarding.api.HttpReplies;
import java.util.UUID;
import org.apache.camel.Exchange;

/** HTTP handler for {@code GET /api/v1/operations/{operationId}}. */
public final class OperationApi {

    private final OperationJournal journal;

    public OperationApi(OperationJournal journal) {
        this.journal = journal;
    }

    public void get(Exchange exchange) {
        UUID operationId = ApiRequests.uuid(exchange, "operationId", "operation_id");
        HttpReplies.json(exchange, 200, journal.find(operationId)
                .orElseThrow(() -> ApiException.notFound("operation " + operationId)));
    }
}
