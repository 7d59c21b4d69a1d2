package io.onboarding.kit;

/** How a failure from another system (Vault, the cloud provisioner, the network) is told: its innermost message. */
public final class Failures {

    private Failures() {
    }

    /** What the other end (or the network) said: the deepest cause's message, or its type. */
    public static String innermost(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    /** Whether {@code type} is anywhere in the chain of causes. */
    public static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }
}
