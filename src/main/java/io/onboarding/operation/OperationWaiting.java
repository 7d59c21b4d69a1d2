package io.onboarding.operation;

/**
 * Thrown by a step that cannot go on yet (e.g. onboarding awaiting approval): not a failure. The
 * step stays running with the reason as its error, the operation stays running, and it is run again
 * when the awaited thing happens ({@link OperationRunner#submit}) or on the next recovery pass.
 */
public final class OperationWaiting extends RuntimeException {

    public OperationWaiting(String reason) {
        super(reason, null, false, false);
    }
}
