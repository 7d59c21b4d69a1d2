package io.onboarding.operation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import io.onboarding.monitoring.OnboardingMetrics;
import io.onboarding.tenant.TenantRecord;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs operations through their pipeline routes, durably. Whoever runs an operation holds a
 * PostgreSQL advisory lock on it for the whole run, so across instances an operation runs once, and
 * a crashed instance's lock dies with its connection, letting {@link #resumeUnfinished()} (called at
 * start-up and on a timer) pick the operation up. When a step fails, every step that did something
 * is undone in reverse order as its declaration says ({@link StepUndo}); only then is the operation
 * failed, with {@code compensated: true} unless a step could not be undone, and
 * {@code direct:TYPE-tenant-failed} told ({@code direct:TYPE-tenant-succeeded} on success). Every
 * route the engine calls gets the operation's {@link StepContext} as its body.
 */
public final class OperationRunner {

    private static final Logger LOG = LoggerFactory.getLogger(OperationRunner.class);

    private final CamelContext camel;
    private final DataSource dataSource;
    private final OperationJournal journal;
    private final ExecutorService workers;
    private final ProducerTemplate template;
    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();
    private final OnboardingMetrics metrics;
    private final int maxCompensationAttempts;
    private final OperationPipelines pipelines;
    private final Function<UUID, TenantRecord> tenants;
    private volatile boolean stopping;

    public OperationRunner(CamelContext camel, DataSource dataSource, OperationJournal journal, int workers,
                           int maxCompensationAttempts, OnboardingMetrics metrics, OperationPipelines pipelines,
                           Function<UUID, TenantRecord> tenants) {
        this.metrics = metrics;
        this.pipelines = pipelines;
        this.tenants = tenants;
        this.maxCompensationAttempts = maxCompensationAttempts;
        this.camel = camel;
        this.dataSource = dataSource;
        this.journal = journal;
        this.workers = camel.getExecutorServiceManager().newFixedThreadPool(this, "operations", workers);
        this.template = camel.createProducerTemplate();
    }

    public boolean isStopping() {
        return stopping;
    }

    /** Runs the operation in the background; a no-op if this instance already runs it. */
    public void submit(UUID operationId) {
        if (stopping || !inFlight.add(operationId)) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    runLocked(operationId);
                } catch (Exception e) {
                    LOG.error("Operation {} could not be run; it is retried later", operationId, e);
                } finally {
                    inFlight.remove(operationId);
                }
            });
        } catch (RuntimeException rejected) {
            inFlight.remove(operationId);
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
    }

    private void runLocked(UUID operationId) throws SQLException {
        try (Connection lock = dataSource.getConnection()) {
            if (!advisoryLock(lock, "pg_try_advisory_lock", operationId)) {
                return; // another instance runs it
            }
            try {
                run(operationId);
            } finally {
                advisoryLock(lock, "pg_advisory_unlock", operationId);
            }
        }
    }

    private void run(UUID operationId) {
        OperationJournal.State state = journal.state(operationId).orElse(null);
        if (state == null || !state.status().equals("running")) {
            return;
        }
        if (!state.compensating()) {
            Exchange result = template.send("direct:" + OperationPipelines.routeId(state.type()),
                    exchange -> exchange.getMessage().setBody(context(operationId, state)));
            Exception failure = result.getException();
            if (failure == null) {
                journal.succeeded(operationId);
                metrics.operationFinished(state.type(), "succeeded");
                LOG.info("Operation {} ({}) of tenant {} succeeded", operationId, state.type(), state.tenantId());
                notify(OperationPipelines.routeId(state.type()) + "-succeeded", operationId, state);
                return;
            }
            if (result.getException(OperationHandedBack.class) != null || stopping) {
                // A step cut short by the stop is not a real failure: the next start resumes it.
                LOG.info("Operation {} handed back at shutdown", operationId);
                return;
            }
            LOG.warn("Operation {} ({}) of tenant {} failed, compensating: {}", operationId, state.type(),
                    state.tenantId(), describe(failure));
            journal.beginCompensation(operationId, describe(failure));
        }
        compensate(operationId, state);
    }

    private void compensate(UUID operationId, OperationJournal.State state) {
        int attempt = journal.compensationAttempt(operationId);
        List<String> cannotUndo = new ArrayList<>();
        for (String step : journal.stepsToUndo(operationId)) {
            if (stopping) {
                return; // compensation resumes on the next start
            }
            StepUndo undo = pipelines.undo(step);
            if (undo instanceof StepUndo.Irreversible) {
                cannotUndo.add(step); // e.g. a dropped database: left as the step left it, and said so
                continue;
            }
            if (undo instanceof StepUndo.NothingToUndo) {
                journal.stepFinished(operationId, step, "compensated", null);
                continue;
            }
            String uri = ((StepUndo.Endpoint) undo).uri();
            Exchange result = template.send(uri, exchange -> exchange.getMessage().setBody(context(operationId, state)));
            if (result.getException() != null) {
                if (attempt < maxCompensationAttempts) {
                    LOG.error("Compensating step {} of operation {} failed (attempt {}); retried later: {}", step,
                            operationId, attempt, describe(result.getException()));
                    return;
                }
                LOG.error("Compensating step {} of operation {} failed {} times; given up: {}", step, operationId,
                        attempt, describe(result.getException()));
                cannotUndo.add(step);
                continue;
            }
            journal.stepFinished(operationId, step, "compensated", null);
        }
        Exception failed = notify(OperationPipelines.routeId(state.type()) + "-failed", operationId, state);
        if (failed != null) {
            LOG.error("Recording the failure of operation {} failed; retried later: {}", operationId, describe(failed));
            return;
        }
        if (cannotUndo.isEmpty()) {
            journal.compensated(operationId);
        } else {
            journal.notCompensated(operationId, "not undone: " + String.join(", ", cannotUndo));
        }
        metrics.operationFinished(state.type(), "failed");
        LOG.info("Operation {} ({}) of tenant {} failed and was compensated", operationId, state.type(),
                state.tenantId());
    }

    /** What every pipeline, undo and outcome route gets: the operation, its tenant as it is now, its parameters. */
    private StepContext context(UUID operationId, OperationJournal.State state) {
        return new StepContext(operationId, state.type(), tenants.apply(state.tenantId()), state.parameters());
    }

    /** Runs the pipeline's {@code -succeeded}/{@code -failed} route, if it has one. */
    private Exception notify(String route, UUID operationId, OperationJournal.State state) {
        if (camel.getRoute(route) == null) {
            return null;
        }
        return template.send("direct:" + route, exchange -> exchange.getMessage().setBody(context(operationId, state)))
                .getException();
    }

    private static boolean advisoryLock(Connection connection, String function, UUID operationId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + function + "(?)")) {
            statement.setLong(1, operationId.getMostSignificantBits() ^ operationId.getLeastSignificantBits());
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** A one-line description of a failure for the journal and the API (no stack, no internals). */
    static String describe(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause
                && (cause.getMessage() == null || cause instanceof org.apache.camel.CamelExecutionException)) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }
}
