package io.onboarding.backup;

import io.onboarding.tenant.BackupLimits;

import io.micrometer.core.instrument.MeterRegistry;
import io.onboarding.operation.OperationLauncher;
import io.onboarding.tenant.TenantClusters;
import io.onboarding.secrets.SecretStore;
import io.onboarding.tenant.TenantDatabaseProvisioner;
import io.onboarding.tenant.TenantPrivilegeGranter;
import io.onboarding.tenant.TenantRepository;
import io.onboarding.tenant.TenantSteward;
import io.onboarding.tenant.schema.TenantSchemaMigrator;
import io.onboarding.tenant.schema.TenantSchemaVersions;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.support.CamelContextHelper;

/** Backups: encrypted dumps, their keys, retention, and the clustered Quartz schedules. */
public class BackupConfiguration implements CamelConfiguration {

    @PropertyInject("onboarding.backup.cluster-checkin-ms")
    private int clusterCheckinMillis;

    @BindToRegistry("backupLimits")
    public BackupLimits backupLimits(
            @PropertyInject("onboarding.backup.min-schedule-interval-seconds") int minScheduleIntervalSeconds,
            @PropertyInject("onboarding.backup.max-retention-days") int maxRetentionDays,
            @PropertyInject("onboarding.backup.max-backups-per-tenant") int maxBackupsPerTenant,
            @PropertyInject("onboarding.backup.final-retention") String finalRetention) {
        return new BackupLimits(Duration.ofSeconds(minScheduleIntervalSeconds), maxRetentionDays, maxBackupsPerTenant,
                Duration.parse(finalRetention));
    }

    @BindToRegistry("backupRepository")
    public BackupRepository backupRepository(DataSource controlPlane) {
        return new BackupRepository(controlPlane);
    }

    /** The last outcome per database is restored from the records, so a restart does not reset the gauges. */
    @BindToRegistry("backupMetrics")
    public BackupMetrics backupMetrics(@BeanInject(MicrometerConstants.METRICS_REGISTRY_NAME) MeterRegistry registry,
            BackupRepository records) {
        BackupMetrics metrics = new BackupMetrics(registry);
        metrics.restore(records.latestPerDatabase());
        return metrics;
    }

    @BindToRegistry("backupKeys")
    public BackupKeys backupKeys(SecretStore secrets) {
        return new BackupKeys(secrets);
    }

    @BindToRegistry("tenantBackups")
    public TenantBackups tenantBackups(TenantClusters clusters, TenantRepository tenants, BackupRepository records,
            OperationLauncher launcher) {
        return new TenantBackups(clusters, tenants, records, launcher);
    }

    @BindToRegistry("backupDumps")
    public BackupDumps backupDumps(TenantClusters clusters, BackupRepository records, BackupKeys keys,
            BackupMetrics metrics, TenantDatabaseProvisioner databases, TenantPrivilegeGranter privileges,
            BackupStorage storage, TenantSteward steward,
            @PropertyInject("onboarding.backup.pg-bin-dir") String pgBinDir) {
        return new BackupDumps(clusters, records, keys, new PgTools(pgBinDir == null ? "" : pgBinDir), metrics,
                databases, privileges, storage, steward);
    }

    /** The S3-compatible store behind {@code offsite}, when a bucket is configured (docs/backups-offsite.md). */
    @BindToRegistry("objectStoreSettings")
    public ObjectStoreSettings objectStoreSettings(
            @PropertyInject(value = "onboarding.backup.s3.endpoint", defaultValue = "") String endpoint,
            @PropertyInject(value = "onboarding.backup.s3.region", defaultValue = "") String region,
            @PropertyInject(value = "onboarding.backup.s3.bucket", defaultValue = "") String bucket,
            @PropertyInject(value = "onboarding.backup.s3.buckets", defaultValue = "") String buckets,
            @PropertyInject(value = "onboarding.backup.s3.access-key-id", defaultValue = "") String accessKeyId,
            @PropertyInject(value = "onboarding.backup.s3.secret-access-key", defaultValue = "") String secretAccessKey,
            @PropertyInject(value = "onboarding.backup.s3.part-size-mb", defaultValue = "64") int partSizeMegabytes,
            @PropertyInject(value = "onboarding.backup.s3.checksums", defaultValue = "") String checksums,
            @PropertyInject(value = "onboarding.backup.s3.storage-class", defaultValue = "") String storageClass) {
        return ObjectStoreSettings.of(endpoint, region, bucket, buckets, accessKeyId, secretAccessKey,
                partSizeMegabytes, checksums, storageClass);
    }

    @BindToRegistry("backupStorage")
    public BackupStorage backupStorage(ObjectStoreSettings settings, BackupRepository records,
            @PropertyInject("onboarding.backup-dir") String backupDir) {
        return new BackupStorage(Path.of(backupDir).toAbsolutePath().normalize(),
                settings.enabled() ? new OffsiteObjectStore(settings) : null, settings, records);
    }

    @BindToRegistry("backupSteps")
    public BackupSteps backupSteps(BackupDumps dumps, BackupRepository records, TenantDatabaseProvisioner databases,
            TenantSchemaMigrator migrator, DataSource controlPlane) {
        return new BackupSteps(dumps, records, databases, new TenantSchemaVersions(controlPlane), migrator);
    }

    @BindToRegistry("backupApi")
    public BackupApi backupApi(TenantBackups backups) {
        return new BackupApi(backups);
    }

    @BindToRegistry("backupRetention")
    public BackupRetention backupRetention(BackupRepository records, TenantRepository tenants, BackupKeys keys,
            BackupLimits limits, BackupStorage storage) {
        return new BackupRetention(records, tenants, keys, limits, storage);
    }

    @BindToRegistry("backupSchedules")
    public BackupSchedules backupSchedules(CamelContext camel, TenantRepository tenants, BackupLimits limits) {
        return new BackupSchedules(camel, tenants, limits);
    }

    @Override
    public void configure(CamelContext camel) throws Exception {
        TenantBackups backups = CamelContextHelper.mandatoryLookup(camel, "tenantBackups", TenantBackups.class);
        camel.addComponent("quartz", BackupScheduler.quartz(camel,
                CamelContextHelper.mandatoryLookup(camel, "controlPlane", DataSource.class),
                clusterCheckinMillis, backups::launchScheduled));
    }
}
