package io.onboarding.operation;

import io.onboarding.kit.Refusal;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Admission control: at most {@code maxQueued} operations accepted on this instance and waiting for
 * a worker. Over it, a REST onboarding is refused at once with 429 and {@code Retry-After} (the
 * caller tries again), while the inbox and JMS wait for room before taking their next request
 * (back-pressure: the messages stay on the queue, nothing is dead-lettered). The check comes before
 * the request is recorded, so several callers admitted at the same instant may exceed the bound by
 * at most the number of concurrent callers.
 */
public final class OperationAdmission {

    /** Refused for lack of room: the API edge answers 429 with {@code Retry-After}. */
    public static final class Saturated extends Refusal {
        private final int retryAfterSeconds;

        Saturated(int queued, int retryAfterSeconds) {
            super(429, "too_many_requests", queued + " operations are waiting to run; try again in "
                    + retryAfterSeconds + " s");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public int retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    private final AtomicInteger queued = new AtomicInteger();
    private final int maxQueued;
    private final int retryAfterSeconds;
    private final Object room = new Object();

    public OperationAdmission(int maxQueued, int retryAfterSeconds) {
        this.maxQueued = maxQueued;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int queued() {
        return queued.get();
    }

    /** REST: a 429 when the queue is full. */
    public void checkRoom() {
        int now = queued.get();
        if (now >= maxQueued) {
            throw new Saturated(now, retryAfterSeconds);
        }
    }

    /** Inbox and JMS: waits until there is room (or the service stops); true if there is room. */
    public boolean awaitRoom(BooleanSupplier stopping) throws InterruptedException {
        synchronized (room) {
            while (queued.get() >= maxQueued && !stopping.getAsBoolean()) {
                room.wait(500); // woken when a queued operation starts; re-checks the stop flag meanwhile
            }
        }
        return queued.get() < maxQueued;
    }

    void enqueued() {
        queued.incrementAndGet();
    }

    void started() {
        queued.decrementAndGet();
        synchronized (room) {
            room.notifyAll();
        }
    }
}
