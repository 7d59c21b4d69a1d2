package io.onboarding.backup;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * The camel-quartz component whose scheduler runs backup schedules: Quartz's JDBC job store on the control-plane
 * database (tables from the V4 migration), clustered, so each trigger fires on one instance only
 * and a trigger of an instance that died is taken over.
 */
public final class BackupScheduler {

    private static final String DATA_SOURCE = "controlPlane";

    private BackupScheduler() {
    }

    /** {@code launcher} starts a scheduled backup of a tenant: what {@link TenantBackupJob} calls. */
    public static QuartzComponent quartz(CamelContext camel, DataSource controlPlane, int clusterCheckinMillis,
                                         Consumer<String> launcher) {
        DBConnectionManager.getInstance().addConnectionProvider(DATA_SOURCE, new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return controlPlane.getConnection();
            }

            @Override
            public void shutdown() {
                // the pool belongs to the service
            }

            @Override
            public void initialize() {
                // the pool is ready
            }
        });
        Map<String, Object> properties = new HashMap<>();
        properties.put("org.quartz.scheduler.instanceName", "tenant-onboarding");
        properties.put("org.quartz.scheduler.instanceId", "AUTO");
        properties.put("org.quartz.scheduler.skipUpdateCheck", "true");
        properties.put("org.quartz.threadPool.threadCount", "2");
        properties.put("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        properties.put("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        properties.put("org.quartz.jobStore.dataSource", DATA_SOURCE);
        properties.put("org.quartz.jobStore.tablePrefix", "qrtz_");
        properties.put("org.quartz.jobStore.isClustered", "true");
        properties.put("org.quartz.jobStore.clusterCheckinInterval", Integer.toString(clusterCheckinMillis));
        properties.put("org.quartz.jobStore.misfireThreshold", "5000");
        QuartzComponent quartz = new QuartzComponent(camel);
        quartz.setProperties(properties);
        // Registered before the scheduler starts, so a trigger firing at once finds it.
        quartz.addScheduleInitTask(scheduler -> scheduler.getContext().put(TenantBackupJob.LAUNCHER, launcher));
        return quartz;
    }
}
