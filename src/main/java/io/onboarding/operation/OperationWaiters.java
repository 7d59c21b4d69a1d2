package io.onboarding.operation;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Who waits for an operation to finish ({@code ?wait=}), without a thread each: one future per
 * operation, completed when a run of it on this instance ends ({@link OperationRunner}) or when
 * {@link #recheck()} (on a timer) sees it finished in the control plane, e.g. by another instance.
 * Completion only means "look again": the waiter reads the journal itself.
 */
public final class OperationWaiters {

    private final Map<UUID, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
    private final JdbcTemplate jdbc;

    public OperationWaiters(DataSource controlPlane) {
        this.jdbc = new JdbcTemplate(controlPlane);
    }

    /** Completes at the operation's next run end or recheck; a copy, so a waiter's timeout is its own. */
    public CompletableFuture<Void> next(UUID operationId) {
        return waiting.computeIfAbsent(operationId, id -> new CompletableFuture<>()).copy();
    }

    /** A run of the operation ended on this instance. */
    public void ran(UUID operationId) {
        CompletableFuture<Void> future = waiting.remove(operationId);
        if (future != null) {
            future.complete(null);
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
