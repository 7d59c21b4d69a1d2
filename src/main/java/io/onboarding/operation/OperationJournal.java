package io.onboarding.operation;

import java.time.OffsetDateTime;
import io.onboarding.access.RequestIds;
import io.onboarding.kit.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The durable record of every operation and its steps in the control plane. Each change is its own
 * committed statement, so after a crash the journal says exactly which steps completed.
 */
public final class OperationJournal implements StepJournal {

    /**
     * Where an unfinished operation stands. Its subject's id is kept in the column {@code tenant_id},
     * the name the contract's operations carry (every subject with an id is a tenant's today).
     */
    public record State(String type, UUID subjectId, String status, boolean compensating, Map<String, String> parameters) {
    }

    private final JdbcTemplate jdbc;

    public OperationJournal(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** Records a new operation with all its steps pending; joins the caller's transaction if any. */
    public void create(UUID operationId, String type, UUID subjectId, List<String> steps) {
        create(operationId, type, subjectId, steps, Map.of());
    }

    /**
     * Records a new operation with the parameters its pipeline runs with (e.g. restore's backup_id),
     * and the id of the API request being served, if any.
     */
    public void create(UUID operationId, String type, UUID subjectId, List<String> steps, Map<String, String> parameters) {
        jdbc.update("INSERT INTO operations (operation_id, type, tenant_id, status, parameters, request_id)"
                + " VALUES (?, ?, ?, 'running', ?::jsonb, ?)", operationId, type, subjectId, Json.write(parameters),
                RequestIds.current());
        // One statement for all the steps: this runs while the caller waits for its 202.
        jdbc.update("INSERT INTO operation_steps (operation_id, position, name)"
                + " SELECT ?, step.position - 1, step.name FROM unnest(?::text[]) WITH ORDINALITY AS step(name, position)",
                operationId, steps.toArray(String[]::new));
    }

    /**
     * The operation, then its steps: read in this order, a finished operation's steps are final (its
     * status is written after its last step's).
     */
    public Optional<OperationView> find(UUID operationId) {
        return jdbc.query("SELECT " + OperationView.COLUMNS + " FROM operations WHERE operation_id = ?",
                OperationView::row, operationId).stream().findFirst().map(operation -> operation.withSteps(jdbc.query(
                        "SELECT name, status, started_at, finished_at, error FROM operation_steps"
                                + " WHERE operation_id = ? ORDER BY position",
                        (rs, i) -> OperationView.Step.of(rs.getString(1), rs.getString(2),
                                rs.getObject(3, OffsetDateTime.class), rs.getObject(4, OffsetDateTime.class),
                                rs.getString(5)),
                        operationId)));
    }

    /** The X-Request-Id of the API call that started the operation, or null. */
    public String requestId(UUID operationId) {
        return jdbc.queryForList("SELECT request_id FROM operations WHERE operation_id = ?", String.class, operationId)
                .stream().filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    public Optional<UUID> firstOperation(UUID subjectId, String type) {
        return jdbc.queryForList("SELECT operation_id FROM operations WHERE tenant_id = ? AND type = ?"
                + " ORDER BY created_at LIMIT 1", UUID.class, subjectId, type).stream().findFirst();
    }

    @Override
    public Optional<State> state(UUID operationId) {
        return jdbc.query("SELECT type, tenant_id, status, compensating, parameters FROM operations"
                        + " WHERE operation_id = ?",
                (rs, i) -> new State(rs.getString(1), rs.getObject(2, UUID.class), rs.getString(3), rs.getBoolean(4),
                        parameters(rs.getString(5))), operationId).stream().findFirst();
    }

    private static Map<String, String> parameters(String json) {
        try {
            return Json.MAPPER.readValue(json, new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {
            });
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable operation parameters", e);
        }
    }

    public List<UUID> unfinished() {
        return jdbc.queryForList("SELECT operation_id FROM operations WHERE status = 'running' ORDER BY created_at",
                UUID.class);
    }

    @Override
    public String stepStatus(UUID operationId, String step) {
        return jdbc.queryForList("SELECT status FROM operation_steps WHERE operation_id = ? AND name = ?",
                String.class, operationId, step).stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("operation " + operationId + " has no step " + step));
    }

    @Override
    public Set<String> finishedSteps(UUID operationId) {
        return Set.copyOf(jdbc.queryForList("SELECT name FROM operation_steps WHERE operation_id = ?"
                + " AND status IN ('done', 'skipped', 'warning')", String.class, operationId));
    }

    @Override
    public void stepStarted(UUID operationId, String step) {
        jdbc.update("UPDATE operation_steps SET status = 'running', started_at = now(), finished_at = NULL,"
                + " completion = NULL, error = NULL WHERE operation_id = ? AND name = ?", operationId, step);
    }

    @Override
    public void stepWaiting(UUID operationId, String step, String reason) {
        jdbc.update("UPDATE operation_steps SET status = 'running', finished_at = NULL, error = ?"
                + " WHERE operation_id = ? AND name = ?", reason, operationId, step);
    }

    /**
     * Ends a step as done, skipped, warning, failed or compensated. The first four take the next number of
     * the sequence {@code operation_step_completion} (control-plane V27): the exact order in which the
     * steps of an operation ended, even those that ran side by side; compensating keeps it.
     */
    @Override
    public void stepFinished(UUID operationId, String step, String status, String error) {
        jdbc.update("UPDATE operation_steps SET status = ?, finished_at = now(), error = ?, completion = CASE"
                + " WHEN ? = 'compensated' THEN completion ELSE nextval('operation_step_completion') END"
                + " WHERE operation_id = ? AND name = ?", status, error, status, operationId, step);
    }

    /**
     * Steps that did (or may have done) something, in reverse order of completion: a step still running
     * first (it would have ended last), then the latest ended. Steps ended before V27 have no number and
     * come after those that have one, latest listed first (they ran one after another, as listed).
     */
    @Override
    public List<String> stepsToUndo(UUID operationId) {
        return jdbc.queryForList("SELECT name FROM operation_steps WHERE operation_id = ?"
                + " AND status IN ('running', 'done', 'warning', 'failed')"
                + " ORDER BY status = 'running' DESC, completion DESC NULLS LAST, position DESC",
                String.class, operationId);
    }

    @Override
    public void beginCompensation(UUID operationId, String error) {
        jdbc.update("UPDATE operations SET compensating = true, error = ? WHERE operation_id = ?", error, operationId);
    }

    @Override
    public void succeeded(UUID operationId) {
        jdbc.update("UPDATE operations SET status = 'succeeded', finished_at = now() WHERE operation_id = ?",
                operationId);
    }

    /** Counts one more attempt at compensating; returns how many there have been. */
    @Override
    public int compensationAttempt(UUID operationId) {
        return jdbc.queryForObject("UPDATE operations SET compensation_attempts = compensation_attempts + 1"
                + " WHERE operation_id = ? RETURNING compensation_attempts", Integer.class, operationId);
    }

    /** Failed, and not (or not wholly) undone: the steps say which are still as they were left. */
    @Override
    public void notCompensated(UUID operationId, String reason) {
        jdbc.update("UPDATE operations SET status = 'failed', compensated = false, compensating = false,"
                + " error = coalesce(error, '') || '; ' || ?, finished_at = now() WHERE operation_id = ?",
                reason, operationId);
    }

    public boolean hasUnfinished(UUID subjectId) {
        return unfinished(subjectId).isPresent();
    }

    /** The tenant's running operation, if it has one (it has at most one). */
    public java.util.Optional<UUID> unfinished(UUID subjectId) {
        return jdbc.queryForList("SELECT operation_id FROM operations WHERE tenant_id = ? AND status = 'running'"
                + " ORDER BY created_at LIMIT 1", UUID.class, subjectId).stream().findFirst();
    }

    @Override
    public void compensated(UUID operationId) {
        jdbc.update("UPDATE operations SET status = 'failed', compensated = true, compensating = false,"
                + " finished_at = now() WHERE operation_id = ?", operationId);
    }
}
