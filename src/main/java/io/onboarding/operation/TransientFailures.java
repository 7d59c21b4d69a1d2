package io.onboarding.operation;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * Failures worth another try a moment later (the {@code operation-steps} redelivery policy): a
 * connection that could not be made or was lost, a server starting up or shutting down, a
 * serialization failure or deadlock. Anything else fails the step at once.
 */
public final class TransientFailures implements Predicate {

    /** SQLSTATE classes 08 (connection), 57P0x (server going away/starting), 40001/40P01. */
    private static final Set<String> STATES = Set.of("40001", "40P01", "57P01", "57P02", "57P03");

    @Override
    public boolean matches(Exchange exchange) {
        for (Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class); cause != null;
             cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof SQLTransientException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || STATES.contains(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }
}
