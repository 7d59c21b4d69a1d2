package io.onboarding.platform;

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
}
