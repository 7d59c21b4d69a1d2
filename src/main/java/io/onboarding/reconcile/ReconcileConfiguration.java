package io.onboarding.reconcile;

import io.micrometer.core.instrument.MeterRegistry;
import io.onboarding.backup.BackupSchedules;
import io.onboarding.cluster.ClusterDirectory;
import io.onboarding.git.TenantGitRepositories;
import io.onboarding.monitoring.TenantMonitoring;
import io.onboarding.postgres.InstanceLock;
import io.onboarding.secrets.SecretStore;
import io.onboarding.tenant.TenantRepository;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reconciliation: orphans and missing resources, its gauges, the API and the timer's bean. */
public class ReconcileConfiguration implements CamelConfiguration {

    @BindToRegistry("reconciler")
    public Reconciler reconciler(DataSource controlPlane, TenantRepository tenants, SecretStore secrets,
                                 BackupSchedules schedules, TenantMonitoring monitoring, TenantGitRepositories git,
                                 ClusterDirectory clusters,
                                 @BeanInject(MicrometerConstants.METRICS_REGISTRY_NAME) MeterRegistry registry) {
        return new Reconciler(new ReconcileQueries(new JdbcTemplate(controlPlane)), tenants, secrets, schedules,
                monitoring, git, clusters, registry);
    }

    @BindToRegistry("reconcileApi")
    public ReconcileApi reconcileApi(Reconciler reconciler, DataSource controlPlane) {
        return new ReconcileApi(reconciler, new InstanceLock(controlPlane, ReconcileApi.LOCK_KEY));
    }
}
