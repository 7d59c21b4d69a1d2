package io.onboarding.operation;

import io.onboarding.access.RequestIds;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.slf4j.MDC;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import io.onboarding.observe.OnboardingMetrics;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs operations through their pipeline routes, durably. Whoever runs an operation holds a
 * PostgreSQL advisory lock on it for the whole run, so across instances an operation runs once, and
 * a crashed instance's lock dies with its connection, letting {@link #resumeUnfinished()} (called at
 * start-up and on a timer) pick the operation up. The run itself, with its compensation when a step
 * fails, is {@link OperationExecution}.
 */
public final class OperationRunner {

    private static final Logger LOG = LoggerFactory.getLogger(OperationRunner.class);

    private final DataSource dataSource;
    private final OperationJournal journal;
    private final ExecutorService workers;
    private final ExecutorService steps;
    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();
    private final OperationExecution execution;
    private volatile boolean stopping;
    private final OperationAdmission admission;
    private final List<Consumer<UUID>> runListeners = new CopyOnWriteArrayList<>();

    /**
     * {@code workers} operations at once, each with up to {@code parallelSteps} steps running side by side
     * on a pool of {@code workers × parallelSteps} threads: no operation's steps ever wait for another's.
     */
    public OperationRunner(CamelContext camel, DataSource dataSource, OperationJournal journal, int workers,
                           int parallelSteps, int maxCompensationAttempts, OnboardingMetrics metrics,
                           OperationPipelines pipelines, OperationSubjects subjects, OperationAdmission admission,
                           FaultHolds holds) {
        this.admission = admission;
        this.dataSource = dataSource;
        this.journal = journal;
        this.workers = camel.getExecutorServiceManager().newFixedThreadPool(this, "operations", workers);
        this.steps = camel.getExecutorServiceManager().newFixedThreadPool(this, "operation-steps",
                workers * Math.max(1, parallelSteps));
        this.execution = new OperationExecution(camel, journal, pipelines, subjects,
                new StepScheduler(steps, parallelSteps), maxCompensationAttempts, metrics, this::isStopping, holds);
    }

    /** Admission control of this instance's operations queue (REST: 429; inbox and JMS: wait). */
    public OperationAdmission admission() {
        return admission;
    }

    /** REST's admission check: a 429 with Retry-After when the queue is full ({@link OperationAdmission}). */
    public void checkAdmission() {
        admission.checkRoom();
    }

    public boolean isStopping() {
        return stopping;
    }

    /** No operation runs on this instance now (background work such as the pool refill waits for this). */
    public boolean idle() {
        return inFlight.isEmpty();
    }

    /** Told the operation's id each time a run of it on this instance ends (finished or not). */
    public void addRunListener(Consumer<UUID> listener) {
        runListeners.add(listener);
    }

    /** Runs the operation in the background; a no-op if this instance already runs it. */
    public void submit(UUID operationId) {
        if (stopping || !inFlight.add(operationId)) {
            return;
        }
        admission.enqueued();
        try {
            workers.execute(() -> {
                admission.started();
                // Every line logged while the operation runs on this thread carries its id (and, from
                // OperationExecution, its tenant's): LOG_FORMAT=json writes them as fields.
                try (var mdc = MDC.putCloseable(OperationLog.OPERATION_ID, operationId.toString())) {
                    runLocked(operationId);
                } catch (Exception e) {
                    LOG.error("Operation {} could not be run; it is retried later", operationId, e);
                } finally {
                    inFlight.remove(operationId);
                    runListeners.forEach(listener -> listener.accept(operationId));
                }
            });
        } catch (RuntimeException rejected) {
            admission.started();
            inFlight.remove(operationId);
        }
    }

    /**
     * Claims an operation about to be journaled for a run on the caller's thread ({@link #runHere}):
     * the recovery pass, which submits every running operation, leaves it alone. False when stopping.
     */
    boolean reserve(UUID operationId) {
        return !stopping && inFlight.add(operationId);
    }

    /** Gives back a claim whose operation was never journaled. */
    void unreserve(UUID operationId) {
        inFlight.remove(operationId);
    }

    /**
     * Runs a {@link #reserve reserved} operation on the caller's thread, under its advisory lock as a
     * worker would, for a caller that answers with its outcome (an invitation's REST call). Its steps
     * do not give way to API requests ({@link RequestsFirst}): they serve one. Returns the failure of
     * its pipeline, or null (succeeded, handed back, or run elsewhere meanwhile).
     */
    Exception runHere(UUID operationId) {
        // The caller's log context (its request id) is its own again afterwards.
        java.util.Map<String, String> callers = MDC.getCopyOfContextMap();
        try (var serving = RequestsFirst.servingARequest()) {
            MDC.put(OperationLog.OPERATION_ID, operationId.toString());
            return runLocked(operationId);
        } catch (SQLException e) {
            LOG.error("Operation {} could not be run; it is retried later", operationId, e);
            return null;
        } finally {
            MDC.setContextMap(callers == null ? java.util.Map.of() : callers);
            inFlight.remove(operationId);
            runListeners.forEach(listener -> listener.accept(operationId));
        }
    }

    /** Picks up every operation nobody is running: left by a crash, a stop, or a failed compensation. */
    public void resumeUnfinished() {
        if (!stopping) {
            journal.unfinished().forEach(this::submit);
        }
    }

    /** Stops taking work and waits for running operations; what does not finish is handed back. */
    public void stop(long timeoutSeconds) throws InterruptedException {
        stopping = true;
        workers.shutdown();
        if (!workers.awaitTermination(timeoutSeconds, TimeUnit.SECONDS)) {
            LOG.warn("Operations {} still running at shutdown; they resume on the next start", inFlight);
        }
        steps.shutdown(); // each operation waits for its own steps: none of these is left once it has ended

    }

    private Exception runLocked(UUID operationId) throws SQLException {
        try (Connection lock = dataSource.getConnection()) {
            if (!advisoryLock(lock, "pg_try_advisory_lock", operationId)) {
                return null; // another instance runs it
            }
            // Events the operation publishes carry the request that started it.
            try (var requestId = RequestIds.inMdc(journal.requestId(operationId))) {
                return execution.run(operationId);
            } finally {
                advisoryLock(lock, "pg_advisory_unlock", operationId);
            }
        }
    }

    private static boolean advisoryLock(Connection connection, String function, UUID operationId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + function + "(?)")) {
            statement.setLong(1, operationId.getMostSignificantBits() ^ operationId.getLeastSignificantBits());
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
