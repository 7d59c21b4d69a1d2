package io.onboarding.cli;

import java.net.URI;

/** No answer from the service (refused, unknown host, timed out): exit code 3. */
final class ServiceUnreachable extends RuntimeException {

    ServiceUnreachable(URI url, Exception cause) {
        this(url, null, cause);
    }

    /**
     * The message names the URL, where it came from, and how to give another: a service started with
     * another SERVER_PORT, or elsewhere, is found with {@code --url} or {@code ONBOARDING_URL}.
     */
    ServiceUnreachable(URI url, String source, Exception cause) {
        super("cannot reach the service at " + url + (source == null ? "" : " (" + source + ")") + ": "
                + describe(cause) + "; is it running? If it listens elsewhere (another SERVER_PORT or host),"
                + " give --url or set ONBOARDING_URL to its address, e.g. http://localhost:8081", cause);
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
