package io.onboarding.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.onboarding.support.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One run at a time across sessions (instances): skipped while another session holds the key, the key free after a run. */
class InstanceLockTest {

    private static final long KEY = 0x7465737431L;

    @Test
    void aRunIsSkippedWhileAnotherSessionHoldsTheKeyAndReleasesItAfterwards() throws Exception {
        PostgresCluster pg = TestPostgres.cluster();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(pg.jdbcUrl(PostgresCluster.MAINTENANCE_DATABASE));
        config.setUsername(pg.user());
        config.setPassword(pg.password());
        config.setMaximumPoolSize(2);
        try (HikariDataSource dataSource = new HikariDataSource(config);
             Connection other = pg.connect(PostgresCluster.MAINTENANCE_DATABASE)) {
            InstanceLock lock = new InstanceLock(dataSource, KEY);
            AtomicInteger runs = new AtomicInteger();
            assertThat(query(other, "SELECT pg_try_advisory_lock(" + KEY + ")")).isTrue();
            assertThat(lock.tryRun(runs::incrementAndGet)).isEmpty();
            assertThat(runs).hasValue(0);

            assertThat(query(other, "SELECT pg_advisory_unlock(" + KEY + ")")).isTrue();
            assertThat(lock.tryRun(() -> {
                assertThat(query(other, "SELECT pg_try_advisory_lock(" + KEY + ")")).as("held during the run").isFalse();
                return runs.incrementAndGet();
            })).contains(1);
            assertThat(query(other, "SELECT pg_try_advisory_lock(" + KEY + ")")).as("released after the run").isTrue();
            query(other, "SELECT pg_advisory_unlock(" + KEY + ")");
        }
    }

    private static boolean query(Connection connection, String sql) throws Exception {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
