package io.onboarding.postgres;

import io.onboarding.kit.Failures;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.function.UnaryOperator;

/**
 * The PostgreSQL cluster of PGHOST (or an embedded one under {@code $DATA_DIR/postgres}), locked down,
 * with the pool on the control-plane database.
 */
public final class PostgresPlatform implements AutoCloseable {

    private final EmbeddedPostgresServer embedded;
    private final PostgresCluster cluster;
    private final HikariDataSource controlPlane;

    private PostgresPlatform(EmbeddedPostgresServer embedded, PostgresCluster cluster, HikariDataSource controlPlane) {
        this.embedded = embedded;
        this.cluster = cluster;
        this.controlPlane = controlPlane;
    }

    /** {@code setting} resolves an {@code onboarding.*} key (empty when unset). */
    public static PostgresPlatform open(UnaryOperator<String> setting, Path dataDir) throws Exception {
        EmbeddedPostgresServer embedded = null;
        PostgresCluster cluster;
        if (setting.apply("onboarding.postgres.host").isEmpty()) {
            // No shutdown hook of its own: one would stop PostgreSQL the moment SIGTERM arrives, under the
            // operations and Quartz still stopping. The service closes it last (TenantOnboardingService's
            // hook waits for that); after a kill -9 the next start stops the orphaned postmaster.
            embedded = EmbeddedPostgresServer.start(dataDir, Integer.parseInt(setting.apply("onboarding.embedded-postgres.port")),
                    setting.apply(PostgresOsUser.SETTING), false);
            cluster = embedded.cluster();
        } else {
            String user = setting.apply("onboarding.postgres.user");
            String password = setting.apply("onboarding.postgres.password");
            cluster = new PostgresCluster(setting.apply("onboarding.postgres.host"),
                    Integer.parseInt(setting.apply("onboarding.postgres.port")), user.isEmpty() ? "postgres" : user,
                    password.isEmpty() ? null : password, PostgresTls.from(setting));
        }
        String platformDb = setting.apply("onboarding.platform-db");
        HikariDataSource pool = null;
        try {
            pool = ControlPlaneDatabase.open(cluster, platformDb,
                    Integer.parseInt(setting.apply("onboarding.platform-db.pool-size")),
                    java.time.Duration.ofMillis(Long.parseLong(setting.apply("onboarding.platform-db.connection-timeout-ms"))),
                    setting.apply("onboarding.instance-name"));
            ClusterLockdown.apply(cluster, PostgresCluster.MAINTENANCE_DATABASE, platformDb);
            return new PostgresPlatform(embedded, cluster, pool);
        } catch (Exception e) {
            try (AutoCloseable server = embedded; AutoCloseable connections = pool) {
                throw e instanceof SQLException ? new IllegalStateException("Cannot use PostgreSQL " + cluster + " ("
                        + cluster.tls() + "): " + Failures.innermost(e), e) : e;
            }
        }
    }

    public PostgresCluster cluster() {
        return cluster;
    }

    public HikariDataSource controlPlane() {
        return controlPlane;
    }

    /** The pool first, then the server under it. */
    @Override
    public void close() throws Exception {
        try (AutoCloseable server = embedded) {
            controlPlane.close();
        }
    }
}
