package io.onboarding.operation;

import java.util.concurrent.TimeUnit;

/**
 * API calls before background work: while mutating API requests are being answered on this instance,
 * an operation waits before its next step, at most {@code onboarding.operations.requests-first-ms} per
 * step. A burst of sign-ups then gets its 202s from the CPU that the provisionings it started would
 * otherwise take (on a small machine the two compete for the same cores); the provisionings go on as
 * soon as the burst is answered, and never wait longer than the bound under steady traffic. Long
 * polls and other reads are not counted: they do not compete for CPU while they wait.
 */
public final class RequestsFirst {

    /** Never waits: for tests and for an instance whose API runs apart from its workers. */
    public static final RequestsFirst OFF = new RequestsFirst(0);

    private final long maxWaitNanos;
    private int inFlight; // guarded by this

    public RequestsFirst(long maxWaitMillis) {
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, maxWaitMillis));
    }

    /** A mutating request has arrived; {@link #requestEnded()} must follow once, when it is answered. */
    public synchronized void requestStarted() {
        inFlight++;
    }

    public synchronized void requestEnded() {
        if (inFlight > 0 && --inFlight == 0) {
            notifyAll();
        }
    }

    /** No mutating request is being answered on this instance now. */
    public synchronized boolean quiet() {
        return inFlight == 0;
    }

    /** Set on a thread that runs an operation for the request it serves: that request is not to wait for. */
    private static final ThreadLocal<Boolean> SERVING = new ThreadLocal<>();

    /** A marking of the calling thread, ended by {@link #close()}. */
    interface Serving extends AutoCloseable {
        @Override
        void close();
    }

    /** Marks the calling thread as running an operation for its own request, until closed. */
    static Serving servingARequest() {
        SERVING.set(Boolean.TRUE);
        return SERVING::remove;
    }

    /** Whether the calling thread is marked: carried to the threads that run its operation's steps. */
    static boolean servingOnThisThread() {
        return SERVING.get() != null;
    }

    /**
     * Waits while requests are in flight, at most the bound; at once when there are none, or when
     * the operation runs on a thread answering a request (it would wait for itself).
     */
    public void giveWay() throws InterruptedException {
        if (maxWaitNanos == 0 || SERVING.get() != null) {
            return;
        }
        long deadline = System.nanoTime() + maxWaitNanos;
        synchronized (this) {
            long left;
            while (inFlight > 0 && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }
}
