package io.onboarding.cli;

import java.net.URI;

/** No answer from the service (refused, unknown host, timed out): exit code 3. */
final class ServiceUnreachable extends RuntimeException {

    ServiceUnreachable(URI url, Exception cause) {
        super("cannot reach the service at " + url + ": " + describe(cause), cause);
    }

    /** The exception's name and the first message along its causes (a refused connection has none at the top). */
    private static String describe(Exception cause) {
        String message = null;
        for (Throwable reason = cause; reason != null && message == null; reason = reason.getCause()) {
            message = reason.getMessage() == null || reason.getMessage().isBlank() ? null : reason.getMessage();
        }
        return cause.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }
}
