package io.onboarding.inbound;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who handles an inbox file, when several instances watch the same directory, and which contents
 * were handled already; all the inbox's SQL. A claim is a PostgreSQL session advisory lock held on
 * its own connection for as long as the file is being handled: only one instance holds it, and a
 * killed instance's claim ends with its connection, so another instance takes the file over at its
 * next poll. Locks use the two-key form (class, key), a key space apart from the operations' locks.
 * The contents handled are the rows of Camel's {@code JdbcMessageIdRepository} table (V3).
 */
public final class InboxFileClaims {

    private static final Logger LOG = LoggerFactory.getLogger(InboxFileClaims.class);
    private static final String PROCESSOR = "inbox-files";

    private final DataSource controlPlane;

    public InboxFileClaims(DataSource controlPlane) {
        this.controlPlane = controlPlane;
    }

    /** The file of this name, claimed; null if another instance is handling a file of this name now. */
    Claim claimName(String fileName) throws SQLException {
        Connection connection = controlPlane.getConnection();
        try {
            Claim claim = new Claim(connection);
            if (claim.lock("inbox-file", fileName)) {
                return claim;
            }
            connection.close();
            return null;
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Whether a file of this content (SHA-256) was handled to the end before, here or elsewhere. */
    boolean handled(String fingerprint) {
        return query("SELECT 1 FROM camel_messageprocessed WHERE processorname = ? AND messageid = ?", fingerprint);
    }

    /** Records the content as handled: the same content dropped again is a duplicate. */
    void markHandled(String fingerprint) {
        query("INSERT INTO camel_messageprocessed (processorname, messageid, createdat) VALUES (?, ?, now())"
                + " ON CONFLICT DO NOTHING RETURNING 1", fingerprint);
    }

    private boolean query(String sql, String fingerprint) {
        try (Connection connection = controlPlane.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, PROCESSOR);
            statement.setString(2, fingerprint);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the control plane cannot be reached: " + e.getMessage(), e);
        }
    }

    /** Advisory locks held on one connection of its own; closing releases them and returns the connection. */
    final class Claim implements AutoCloseable {

        private final Connection connection;

        private Claim(Connection connection) {
            this.connection = connection;
        }

        /**
         * Also claims the content: false if another instance is handling a file with the same content
         * under another name (this file then waits for a later poll, and is a duplicate by then).
         */
        boolean alsoContent(String fingerprint) throws SQLException {
            return lock("inbox-content", fingerprint);
        }

        private boolean lock(String kind, String key) throws SQLException {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT pg_try_advisory_lock(hashtext(?), hashtext(?))")) {
                statement.setString(1, kind);
                statement.setString(2, key);
                try (ResultSet rs = statement.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        }

        @Override
        public void close() throws SQLException {
            // The connection holds no lock but this claim's: all of them go before it returns to the pool.
            try (connection; PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_unlock_all()")) {
                statement.execute();
            } catch (SQLException e) {
                // A connection that broke took its locks with it (the pool drops a broken connection).
                LOG.debug("Inbox claim released with its connection: {}", e.getMessage());
            }
        }
    }
}
