package io.onboarding.operation;

import io.onboarding.kit.Refusal;
import io.onboarding.kit.ApiRequests;
import io.onboarding.kit.HttpReplies;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * {@code GET /api/v1/operations/{id}?wait=SECONDS}: the operation as soon as it is no longer
 * running, or after the wait as it is then. No thread is held while waiting: the reply is written
 * when the operation's future ({@link OperationWaiters}) or the wait's timeout completes. The journal
 * is read after registering, so a finish between the first read and the registration is not lost. An
 * unknown operation is answered 404 before any waiter is registered, and every waiter is released when
 * its wait ends: finished, timed out, or the client gone.
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
            // Read before any waiter exists: an unknown operation is a 404 at once and costs nothing after.
            OperationView view = journal.find(operationId)
                    .orElseThrow(() -> Refusal.notFound("operation " + operationId));
            if (!"running".equals(view.status()) || wait == 0) {
                HttpReplies.json(exchange, 200, view);
                callback.done(true);
                return true;
            }
            new LongWait(exchange, callback, operationId, System.nanoTime() + TimeUnit.SECONDS.toNanos(wait)).start();
            return false;
        } catch (Exception e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
    }

    /**
     * One caller's wait: a waiter registered, then the journal read again (so a finish in between is not
     * lost), then woken by the operation's end, a recheck, the deadline or the client going away. Each
     * round's waiter is released when the round ends, and the exchange is done exactly once.
     */
    private final class LongWait {
        private final Exchange exchange;
        private final AsyncCallback callback;
        private final UUID operationId;
        private final long deadline;
        private final AtomicBoolean over = new AtomicBoolean();
        private volatile OperationWaiters.Waiter waiter;

        LongWait(Exchange exchange, AsyncCallback callback, UUID operationId, long deadline) {
            this.exchange = exchange;
            this.callback = callback;
            this.operationId = operationId;
            this.deadline = deadline;
        }

        void start() {
            if (exchange.getIn() instanceof HttpMessage http) {
                http.getResponse().closeHandler(closed -> gone());
            }
            executor.execute(this::round);
        }

        private void round() {
            OperationWaiters.Waiter current = waiters.await(operationId);
            waiter = current;
            if (over.get()) { // the client went away meanwhile
                current.release();
                return;
            }
            try {
                OperationView view = journal.find(operationId)
                        .orElseThrow(() -> Refusal.notFound("operation " + operationId));
                long remaining = deadline - System.nanoTime();
                if (!"running".equals(view.status()) || remaining <= 0) {
                    current.release();
                    end(() -> HttpReplies.json(exchange, 200, view));
                    return;
                }
                current.woken().completeOnTimeout(null, remaining, TimeUnit.NANOSECONDS)
                        .whenCompleteAsync((ignored, error) -> {
                            current.release();
                            if (!over.get()) {
                                round();
                            }
                        }, executor);
            } catch (Exception e) {
                current.release();
                end(() -> exchange.setException(e));
            }
        }

        /** The connection closed before the answer: the wait ends now, not at its deadline. */
        private void gone() {
            OperationWaiters.Waiter current = waiter;
            if (current != null) {
                current.release();
            }
            end(() -> exchange.getMessage().setBody(null));
        }

        private void end(Runnable answer) {
            if (over.compareAndSet(false, true)) {
                answer.run();
                callback.done(false);
            }
        }
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
        throw Refusal.validation("wait", "must be a whole number of seconds from 0 to " + MAX_WAIT_SECONDS);
    }
}
