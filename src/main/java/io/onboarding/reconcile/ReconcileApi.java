package io.onboarding.reconcile;

import io.onboarding.access.ApiCall;
import io.onboarding.access.Caller;
import io.onboarding.api.ApiException;
import io.onboarding.api.ApiRequests;
import io.onboarding.api.HttpReplies;
import io.onboarding.platform.InstanceLock;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/reconcile[?repair=true]}: a reconciliation run now, its findings as the reply.
 * A read-only run goes anywhere; a repairing one, and every timer run, holds the reconciliation lock
 * ({@link #LOCK_KEY}), so one instance of the control plane reconciles at a time.
 */
public final class ReconcileApi {

    /** The control-plane advisory-lock key of reconciliation ("onbreco"). */
    public static final long LOCK_KEY = 0x6f6e627265636fL;
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileApi.class);

    private final Reconciler reconciler;
    private final InstanceLock lock;

    public ReconcileApi(Reconciler reconciler, InstanceLock lock) {
        this.reconciler = reconciler;
        this.lock = lock;
    }

    public void reconcile(Exchange exchange) throws Exception {
        String repair = ApiRequests.query(exchange, "repair");
        if (repair != null && !repair.equals("true") && !repair.equals("false")) {
            throw ApiException.validation("repair", "must be true or false");
        }
        Reconciliation result;
        if ("true".equals(repair)) {
            requireMutatingScope(exchange);
            result = lock.tryRun(() -> reconciler.reconcile(true)).orElseThrow(() -> ApiException.conflict(
                    "another reconciliation is running (on this or another instance); try again later", "repair"));
        } else {
            result = reconciler.reconcile(false);
        }
        HttpReplies.json(exchange, 200, result);
    }

    /**
     * A repair changes things although it comes as a GET: it needs a scope that may make changes
     * ({@code operator} or {@code admin}); a {@code reader} token gets 403.
     */
    private static void requireMutatingScope(Exchange exchange) {
        ApiCall call = ApiCall.of(exchange);
        Caller caller = call == null ? null : call.caller();
        if (caller != null && !caller.permits("POST", "repair-reconciliation")) {
            throw new ApiException(403, "forbidden", "the token " + caller.tokenName() + " may not repair (reader)");
        }
    }

    /** The timer's run (repairs when {@code onboarding.reconcile.repair} is set); skipped while another instance reconciles. */
    public void scheduled(boolean repair) throws Exception {
        if (lock.tryRun(() -> reconciler.reconcile(repair)).isEmpty()) {
            LOG.debug("Reconciliation skipped: another instance holds the reconciliation lock");
        }
    }
}
