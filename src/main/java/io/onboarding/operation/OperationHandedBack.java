package io.onboarding.operation;

/** Thrown between steps while the service stops: the operation stays unfinished for the next start. */
public final class OperationHandedBack extends RuntimeException {

    public OperationHandedBack() {
        super("the service is stopping; the operation resumes on the next start", null, false, false);
    }
}
