package io.onboarding.operation;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What the step engine ({@link JournaledStepComponent}, {@link OperationExecution}) reads and writes
 * in the journal. {@link OperationJournal} is the durable one; the interface exists so the engine
 * can be tested at route level without PostgreSQL.
 */
public interface StepJournal {

    Optional<OperationJournal.State> state(UUID operationId);

    String stepStatus(UUID operationId, String step);

    /** The steps done, skipped or warned: what a resumed run does not run again. */
    Set<String> finishedSteps(UUID operationId);

    void stepStarted(UUID operationId, String step);

    /** A step that waits (e.g. for approval): still running, with what it waits for as its error. */
    void stepWaiting(UUID operationId, String step, String reason);

    /**
     * Ends a step as done, skipped, warning, failed or compensated; the first four are numbered in the
     * order they happen (steps of one operation may run side by side), which compensation undoes backwards.
     */
    void stepFinished(UUID operationId, String step, String status, String error);

    /**
     * Steps that did (or may have done) something, in reverse order of completion (one still running
     * first): what compensation must undo.
     */
    List<String> stepsToUndo(UUID operationId);

    void beginCompensation(UUID operationId, String error);

    void succeeded(UUID operationId);

    /** Counts one more attempt at compensating; returns how many there have been. */
    int compensationAttempt(UUID operationId);

    void compensated(UUID operationId);

    /** Failed, and not (or not wholly) undone. */
    void notCompensated(UUID operationId, String reason);
}
