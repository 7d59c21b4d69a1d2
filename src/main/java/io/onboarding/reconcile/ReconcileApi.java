package io.onboarding.reconcile;

import io.onboarding.api.ApiException;
import io.onboarding.api.ApiRequests;
import io.onboarding.api.HttpReplies;
import org.apache.camel.Exchange;

/** {@code GET /api/v1/reconcile[?repair=true]}: a reconciliation run now, its findings as the reply. */
public final class ReconcileApi {

    private final Reconciler reconciler;

    public ReconcileApi(Reconciler reconciler) {
        this.reconciler = reconciler;
    }

    public void reconcile(Exchange exchange) throws Exception {
        String repair = ApiRequests.query(exchange, "repair");
        if (repair != null && !repair.equals("true") && !repair.equals("false")) {
            throw ApiException.validation("repair", "must be true or false");
        }
        HttpReplies.json(exchange, 200, reconciler.reconcile("true".equals(repair)));
    }

    /** The timer's run: repairs when {@code onboarding.reconcile.repair} is set. */
    public void scheduled(boolean repair) throws Exception {
        reconciler.reconcile(repair);
    }
}
