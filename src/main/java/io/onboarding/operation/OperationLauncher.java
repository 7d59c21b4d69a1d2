package io.onboarding.operation;

import io.onboarding.kit.Failures;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts an operation on an existing subject (a tenant's backup, restore, …): journaled with all its steps
 * pending before the caller is answered, then run in the background by the {@link OperationRunner}.
 */
public final class OperationLauncher {

    private final OperationJournal journal;
    private final OperationPipelines pipelines;
    private final OperationRunner runner;
    private final TransactionTemplate transaction;
    private final OperationSubjects subjects;
    private final JdbcTemplate jdbc;
    private final OperationWaiters waiters;

    public OperationLauncher(DataSource dataSource, OperationJournal journal, OperationPipelines pipelines,
                             OperationRunner runner, OperationSubjects subjects, OperationWaiters waiters) {
        this.waiters = waiters;
        this.journal = journal;
        this.pipelines = pipelines;
        this.runner = runner;
        this.subjects = subjects;
        this.transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /**
     * Starts an operation on no one subject (e.g. the fleet's schema rollout), unless one of its type
     * is running: then empty, and nothing is started. Launches of a type are serialized by a
     * transaction-scoped advisory lock on the type's name.
     */
    public Optional<UUID> launchAlone(String type, Map<String, String> parameters) {
        UUID operationId = UUID.randomUUID();
        boolean launched = transaction.execute(status -> {
            jdbc.queryForList("SELECT pg_advisory_xact_lock(hashtext(?))", Object.class, "launch:" + type);
            if (!jdbc.queryForList("SELECT 1 FROM operations WHERE type = ? AND status = 'running' LIMIT 1",
                    Integer.class, type).isEmpty()) {
                return false;
            }
            journal.create(operationId, type, null, pipelines.steps(type), parameters);
            return true;
        });
        if (!launched) {
            return Optional.empty();
        }
        runner.submit(operationId);
        return Optional.of(operationId);
    }

    public UUID launch(String type, UUID subjectId, Map<String, String> parameters) {
        return launch(type, subjectId, parameters, () -> { });
    }

    /**
     * Starts the operation; {@code alongside} (e.g. a status change) commits with it or not at all.
     * One operation at a time per subject: a second is a 409 (the subject is locked meanwhile: {@link SubjectKind#lockForOperation}).
     */
    public UUID launch(String type, UUID subjectId, Map<String, String> parameters, Runnable alongside) {
        UUID operationId = UUID.randomUUID();
        journalOn(operationId, type, subjectId, parameters, alongside);
        runner.submit(operationId);
        return operationId;
    }

    /** What a run on the caller's thread came to: the operation, and its pipeline's failure if it had one. */
    public record Ran(UUID operationId, Exception failure) {
        /** The failure in one line, as the journal has it; null if none. */
        public String reason() {
            return failure == null ? null : Failures.describe(failure);
        }
    }

    /**
     * Starts the operation and runs it on the caller's thread, for a caller that answers with its
     * outcome (an invitation's REST call waits for it, as it always did). A subject busy with another
     * operation is waited for, at most {@code waitForSubject}; still busy then, the
     * {@link SubjectBusyException} names that operation. {@code alongside} runs with the subject locked,
     * as for {@link #launch}. A stopping instance journals the operation and leaves it to the next start.
     */
    public Ran runHere(String type, UUID subjectId, Map<String, String> parameters, Runnable alongside,
                       Duration waitForSubject) {
        long deadline = System.nanoTime() + waitForSubject.toNanos();
        while (true) {
            UUID operationId = UUID.randomUUID();
            boolean reserved = runner.reserve(operationId);
            try {
                journalOn(operationId, type, subjectId, parameters, alongside);
            } catch (SubjectBusyException busy) {
                runner.unreserve(operationId);
                awaitEnd(busy, deadline);
                continue;
            } catch (RuntimeException e) {
                runner.unreserve(operationId);
                throw e;
            }
            return new Ran(operationId, reserved ? runner.runHere(operationId) : null);
        }
    }

    /** Waits for the operation the subject is busy with to end, or gives up with it at the deadline. */
    private void awaitEnd(SubjectBusyException busy, long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw busy;
        }
        UUID running = busy.runningOperationId();
        try (OperationWaiters.Waiter waiter = waiters.await(running)) {
            // Read after registering: an end in between is not missed.
            if (journal.state(running).map(state -> state.status().equals("running")).orElse(false)) {
                waiter.woken().get(left, TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException | ExecutionException e) {
            throw busy;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy;
        }
    }

    /** One operation at a time per subject: a second is a 409 (the subject is locked meanwhile). */
    private void journalOn(UUID operationId, String type, UUID subjectId, Map<String, String> parameters,
                           Runnable alongside) {
        transaction.executeWithoutResult(status -> {
            subjects.of(type).lockForOperation(subjectId);
            journal.unfinished(subjectId).ifPresent(running -> {
                throw new SubjectBusyException(subjectId, running);
            });
            alongside.run();
            journal.create(operationId, type, subjectId, pipelines.steps(type), parameters);
        });
    }
}
