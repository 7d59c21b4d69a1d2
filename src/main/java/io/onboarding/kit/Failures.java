package io.onboarding.kit;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Set;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.springframework.vault.VaultException;
import org.springframework.web.client.HttpStatusCodeException;
import org.springframework.web.client.ResourceAccessException;

/**
 * The one place that reads a failure's chain of causes: how it is told (its innermost message, or
 * its first meaningful line), and whether it is worth another try a moment later. Every retry
 * policy (the operation steps', Vault's, the cloud provisioner's) asks {@link #isTransient}.
 */
public final class Failures {

    /**
     * A failure whose dependency's own retry policy has already given up (the secret store after
     * {@code onboarding.vault.retries}): not transient for an outer policy (a step's), which would
     * otherwise try the whole series again, several times, while a caller waits.
     */
    public interface RetriesSpent {
    }

    /** SQLSTATEs worth a retry besides class 08 (connection): server going away/starting, serialization, deadlock. */
    private static final Set<String> TRANSIENT_STATES = Set.of("40001", "40P01", "57P01", "57P02", "57P03");

    private Failures() {
    }

    /**
     * Worth another try: no connection, a connection lost or refused, an I/O failure, a 5xx answer
     * of an HTTP dependency (Vault, the cloud provisioner), or a database going away, starting,
     * or failing a transaction for serialization or deadlock. A 4xx answer, bad input or a failed
     * constraint is not: it would fail again the same way.
     */
    public static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = next(cause)) {
            if (cause instanceof RetriesSpent) {
                return false; // its own dependency's policy tried again already: a second policy multiplies the wait
            }
            Integer status = httpStatus(cause);
            if (status != null) {
                return status >= 500;
            }
            if (cause instanceof IOException || cause instanceof ResourceAccessException
                    || cause instanceof SQLTransientException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || TRANSIENT_STATES.contains(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** The HTTP status an HTTP dependency answered with, if this failure is such an answer. */
    private static Integer httpStatus(Throwable failure) {
        if (failure instanceof HttpOperationFailedException http) {
            return http.getStatusCode();
        }
        if (failure instanceof HttpStatusCodeException http) {
            return http.getStatusCode().value();
        }
        // Spring Vault's own exception carries the status only in its message ("Status 503 ...").
        if (failure instanceof VaultException && failure.getMessage() != null
                && failure.getMessage().matches("(?s)Status \\d{3}.*")) {
            return Integer.parseInt(failure.getMessage().substring(7, 10));
        }
        return null;
    }

    /** What the other end (or the network) said: the deepest cause's message, or its type. */
    public static String innermost(Throwable failure) {
        Throwable cause = failure;
        while (next(cause) != null) {
            cause = next(cause);
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    /** The innermost cause's first line (a tool or Flyway wraps the database's own message in a report). */
    public static String innermostLine(Throwable failure) {
        return firstLine(innermost(failure));
    }

    /**
     * A one-line description for a journal, a warning or the API (no stack, no internals): the
     * failure's own message, or past Camel's wrapping, its first cause that has one.
     */
    public static String describe(Throwable failure) {
        Throwable cause = failure;
        while (next(cause) != null && (cause.getMessage() == null || cause instanceof CamelExecutionException)) {
            cause = next(cause);
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : firstLine(cause.getMessage());
    }

    /** Whether {@code type} is anywhere in the chain of causes. */
    public static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable cause = failure; cause != null; cause = next(cause)) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable next(Throwable cause) {
        return cause.getCause() == cause ? null : cause.getCause();
    }

    private static String firstLine(String message) {
        return message.lines().findFirst().orElse(message).strip();
    }
}
