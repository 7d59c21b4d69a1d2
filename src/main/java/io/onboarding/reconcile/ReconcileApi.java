package io.onboarding.reconcile;

import io.onboarding.kit.Refusal;
import io.onboarding.kit.ApiRequests;
import io.onboarding.kit.HttpReplies;
import io.onboarding.postgres.InstanceLock;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/reconcile}: a reconciliation run now, its findings as the reply, nothing changed;
 * {@code POST /api/v1/reconcile/repair}: a run that also repairs (a mutating call: operator or admin,
 * in the audit log as {@code repair-reconciliation}). A read-only run goes anywhere; a repairing one,
 * and every timer run, holds the reconciliation lock ({@link #LOCK_KEY}), so one instance of the
 * control plane reconciles at a time.
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

    /** {@code GET /api/v1/reconcile}: findings only; a GET never changes anything, so {@code repair} is refused. */
    public void reconcile(Exchange exchange) throws Exception {
        if (ApiRequests.rawQuery(exchange, "repair") != null) {
            throw Refusal.validation("repair",
                    "a GET never repairs: use POST /api/v1/reconcile/repair (operator or admin; audited)");
        }
        HttpReplies.json(exchange, 200, reconciler.reconcile(false));
    }

    /**
     * {@code POST /api/v1/reconcile/repair}: a run that re-creates what it may, under the reconciliation
     * lock (409 while another instance reconciles). A reader token never gets here (403: POST).
     */
    public void repair(Exchange exchange) throws Exception {
        Reconciliation result = lock.tryRun(() -> reconciler.reconcile(true)).orElseThrow(() -> Refusal.conflict(
                "another reconciliation is running (on this or another instance); try again later", "repair"));
        HttpReplies.json(exchange, 200, result);
    }

    /** The timer's run (repairs when {@code onboarding.reconcile.repair} is set); skipped while another instance reconciles. */
    public void scheduled(boolean repair) throws Exception {
        if (lock.tryRun(() -> reconciler.reconcile(repair)).isEmpty()) {
            LOG.debug("Reconciliation skipped: another instance holds the reconciliation lock");
        }
    }
}
