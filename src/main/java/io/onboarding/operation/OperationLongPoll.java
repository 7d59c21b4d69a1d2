package io.onboarding.operation;

import io.onboarding.api.ApiException;
import io.onboarding.api.ApiRequests;
import io.onboarding.api.HttpReplies;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * {@code GET /api/v1/operations/{id}?wait=SECONDS}: the operation as soon as it is no longer
 * running, or after the wait as it is then. No thread is held while waiting: the reply is written
 * when the operation's future ({@link OperationWaiters}) or the wait's timeout completes. The journal
 * is read after registering, so a finish between the first read and the registration is not lost.
 */
public final class OperationLongPoll extends AsyncProcessorSupport {

    static final int MAX_WAIT_SECONDS = 60;

    private final OperationJournal journal;
    private final OperationWaiters waiters;
    private final Executor executor;

    public OperationLongPoll(OperationJournal journal, OperationWaiters waiters, Executor executor) {
        this.journal = journal;
        this.waiters = waiters;
        this.executor = executor;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        try {
            UUID operationId = ApiRequests.uuid(exchange, "operationId", "operation_id");
            int wait = waitSeconds(exchange);
            return poll(exchange, callback, operationId, System.nanoTime() + TimeUnit.SECONDS.toNanos(wait), true);
        } catch (Exception e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
    }

    /** Replies if finished or out of time (true when on the caller's thread: {@code sync}), else waits again. */
    private boolean poll(Exchange exchange, AsyncCallback callback, UUID operationId, long deadline, boolean sync) {
        var woken = waiters.next(operationId);
        OperationView view = journal.find(operationId)
                .orElseThrow(() -> ApiException.notFound("operation " + operationId));
        long remaining = deadline - System.nanoTime();
        if (!"running".equals(view.status()) || remaining <= 0) {
            HttpReplies.json(exchange, 200, view);
            callback.done(sync);
            return sync;
        }
        woken.completeOnTimeout(null, remaining, TimeUnit.NANOSECONDS).whenCompleteAsync((ignored, error) -> {
            try {
                poll(exchange, callback, operationId, deadline, false);
            } catch (Exception e) {
                exchange.setException(e);
                callback.done(false);
            }
        }, executor);
        return false;
    }

    private static int waitSeconds(Exchange exchange) {
        String text = ApiRequests.query(exchange, "wait");
        if (text == null) {
            return 0;
        }
        try {
            int wait = Integer.parseInt(text);
            if (wait >= 0 && wait <= MAX_WAIT_SECONDS) {
                return wait;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.validation("wait", "must be a whole number of seconds from 0 to " + MAX_WAIT_SECONDS);
    }
}
