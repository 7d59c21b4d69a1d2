package io.onboarding.operation;

/**
 * How a step ended when it did not fail: what a step method may return (returning nothing is
 * {@link #done()}; failing is throwing). The journal shows the kind as the step's status and the
 * reason as its {@code error}.
 */
public record StepOutcome(Kind kind, String reason) {

    public enum Kind {
        DONE("done"), WARNING("warning"), SKIPPED("skipped");

        private final String status;

        Kind(String status) {
            this.status = status;
        }

        public String status() {
            return status;
        }
    }

    private static final StepOutcome DONE = new StepOutcome(Kind.DONE, null);

    public static StepOutcome done() {
        return DONE;
    }

    /** The step did not do all it should, and the operation goes on: e.g. monitoring not set up yet. */
    public static StepOutcome warning(String reason) {
        return new StepOutcome(Kind.WARNING, reason);
    }

    /** The step had nothing to do: e.g. no admin_email to invite. */
    public static StepOutcome skipped(String reason) {
        return new StepOutcome(Kind.SKIPPED, reason);
    }
}
