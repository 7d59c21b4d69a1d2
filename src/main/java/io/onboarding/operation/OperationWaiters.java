package io.onboarding.operation;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Who waits for an operation to finish ({@code ?wait=}), without a thread each: one future per
 * operation, completed when a run of it on this instance ends ({@link OperationRunner}) or when
 * {@link #recheck()} (on a timer) sees it finished in the control plane, e.g. by another instance.
 * Completion only means "look again": the waiter reads the journal itself. An operation is waited on
 * only while someone waits: each {@link Waiter} is released when its wait ends (finished, timed out,
 * client gone), and the operation's entry goes with its last waiter, so nothing is kept, or sent to
 * the control plane by {@link #recheck()}, for a wait that is over.
 */
public final class OperationWaiters {

    /** The future of one operation and how many waiters hold it (changed only inside the map's compute). */
    private static final class Entry {
        final CompletableFuture<Void> future = new CompletableFuture<>();
        int waiters;
    }

    /** One caller's wait on an operation; {@link #release()} when the wait ends, however it ends. */
    public final class Waiter implements AutoCloseable {
        private final UUID operationId;
        private final Entry entry;
        private final CompletableFuture<Void> woken;
        private final AtomicBoolean released = new AtomicBoolean();

        private Waiter(UUID operationId, Entry entry) {
            this.operationId = operationId;
            this.entry = entry;
            this.woken = entry.future.copy(); // a copy, so a waiter's timeout is its own
        }

        /** Completes at the operation's next run end or recheck. */
        public CompletableFuture<Void> woken() {
            return woken;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                waiting.computeIfPresent(operationId, (id, current) -> {
                    if (current != entry) {
                        return current; // already woken and removed; a newer entry is not ours
                    }
                    return --current.waiters == 0 ? null : current;
                });
            }
        }

        @Override
        public void close() {
            release();
        }
    }

    private final Map<UUID, Entry> waiting = new ConcurrentHashMap<>();
    private final JdbcTemplate jdbc;

    public OperationWaiters(DataSource controlPlane) {
        this.jdbc = new JdbcTemplate(controlPlane);
    }

    /** As above, with the number of waiters as the gauge {@code onboarding_operation_waiters}. */
    public OperationWaiters(DataSource controlPlane, MeterRegistry registry) {
        this(controlPlane);
        Gauge.builder("onboarding.operation.waiters", this, OperationWaiters::count)
                .description("Callers waiting on an operation (GET /api/v1/operations/{id}?wait=)")
                .register(registry);
    }

    /** A wait on the operation; release it when the wait ends. */
    public Waiter await(UUID operationId) {
        Entry[] held = new Entry[1];
        waiting.compute(operationId, (id, entry) -> {
            Entry current = entry == null ? new Entry() : entry;
            current.waiters++;
            held[0] = current;
            return current;
        });
        return new Waiter(operationId, held[0]);
    }

    /** Waiters not yet released, over every operation. */
    int count() {
        int count = 0;
        for (UUID id : waiting.keySet()) {
            Entry entry = waiting.get(id);
            count += entry == null ? 0 : entry.waiters;
        }
        return count;
    }

    /** A run of the operation ended on this instance. */
    public void ran(UUID operationId) {
        Entry entry = waiting.remove(operationId);
        if (entry != null) {
            entry.future.complete(null);
        }
    }

    /** Wakes the waiters of operations no longer running, wherever they finished. */
    public void recheck() {
        if (waiting.isEmpty()) {
            return;
        }
        String ids = "{" + String.join(",", waiting.keySet().stream().map(UUID::toString).toList()) + "}";
        List<UUID> finished = jdbc.queryForList("SELECT operation_id FROM operations"
                + " WHERE operation_id = ANY(?::uuid[]) AND status <> 'running'", UUID.class, ids);
        finished.forEach(this::ran);
    }
}
