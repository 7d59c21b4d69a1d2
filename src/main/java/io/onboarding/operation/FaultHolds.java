package io.onboarding.operation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test hook, off by default ({@code onboarding.faults.hold-points=false}): lets a fault test stop an
 * operation at an exact point so that a {@code kill -9} lands inside a given step, never by timing.
 * When on, the engine waits at each hold point on a shared PostgreSQL advisory lock in the control-plane
 * database, keyed by {@link #key(UUID, String, Phase)}; a test that holds that key exclusively keeps the
 * operation there (journaled as it is at that point) until it lets go, or kills the process. When off,
 * no hold point costs anything (no query).
 */
public final class FaultHolds {

    /** Where an operation can be held: in a step, with the step journaled {@code running}. */
    public enum Phase {
        /** Before the step's work. */
        BEFORE,
        /** After the step's work, before its outcome is journaled: a resumed operation runs it again. */
        AFTER,
        /** Compensating: before the step's undo. */
        UNDO
    }

    /** The advisory-lock namespace of hold points (the two-int form, apart from the engine's bigint locks). */
    public static final int NAMESPACE = 0x0FA17;

    public static final FaultHolds OFF = new FaultHolds(null);

    private static final Logger LOG = LoggerFactory.getLogger(FaultHolds.class);

    private final DataSource controlPlane;

    private FaultHolds(DataSource controlPlane) {
        this.controlPlane = controlPlane;
    }

    public static FaultHolds of(boolean enabled, DataSource controlPlane) {
        if (!enabled) {
            return OFF;
        }
        LOG.warn("Fault hold points are on (onboarding.faults.hold-points): for fault tests only");
        return new FaultHolds(controlPlane);
    }

    /** The lock key (second int of {@code pg_advisory_lock(NAMESPACE, key)}) of one hold point. */
    public static int key(UUID tenantId, String step, Phase phase) {
        return (tenantId + "/" + step + "/" + phase.name().toLowerCase(java.util.Locale.ROOT)).hashCode();
    }

    /** Waits while someone holds this point; a no-op when off or for an operation without a tenant. */
    public void at(UUID tenantId, String step, Phase phase) {
        if (controlPlane == null || tenantId == null) {
            return;
        }
        int key = key(tenantId, step, phase);
        try (Connection connection = controlPlane.getConnection();
             PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock_shared(?, ?)");
             PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock_shared(?, ?)")) {
            lock.setInt(1, NAMESPACE);
            lock.setInt(2, key);
            lock.execute();
            unlock.setInt(1, NAMESPACE);
            unlock.setInt(2, key);
            unlock.execute();
        } catch (SQLException e) {
            // A hold point is not part of the step: a lost connection lets the operation go on.
            LOG.warn("Fault hold point {} {} of tenant {} released by an error: {}", step, phase, tenantId,
                    e.getMessage());
        }
    }
}
