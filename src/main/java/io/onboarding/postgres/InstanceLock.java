package io.onboarding.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.sql.DataSource;

/**
 * Work that one instance of the control plane does at a time: a session-level PostgreSQL advisory
 * try-lock on a fixed key, held on a control-plane connection for the whole run and released
 * (or dropped with the session, if the instance dies) when it ends. Another instance holding the
 * key means the run is skipped, never queued.
 */
public final class InstanceLock {

    private final DataSource controlPlane;
    private final long key;

    public InstanceLock(DataSource controlPlane, long key) {
        this.controlPlane = controlPlane;
        this.key = key;
    }

    /** The work's result, or empty without running it when another session holds the key. */
    public <T> Optional<T> tryRun(Callable<T> work) throws Exception {
        try (Connection connection = controlPlane.getConnection()) {
            if (!query(connection, "SELECT pg_try_advisory_lock(?)")) {
                return Optional.empty();
            }
            try {
                return Optional.ofNullable(work.call());
            } finally {
                query(connection, "SELECT pg_advisory_unlock(?)");
            }
        }
    }

    public long key() {
        return key;
    }

    private boolean query(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, key);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
