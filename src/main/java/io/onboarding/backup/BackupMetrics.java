package io.onboarding.backup;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Backup health per tenant database, as the backup-failed alert reads it: {@code backup_job_success}
 * (1 or 0), {@code backup_last_success_timestamp_seconds}, {@code backup_duration_seconds} and
 * {@code backup_size_bytes}, each with the label {@code database}.
 */
public final class BackupMetrics {

    /** The current values for one database. */
    private static final class Values {
        volatile double success = Double.NaN;
        volatile double lastSuccess = Double.NaN;
        volatile double duration = Double.NaN;
        volatile double size = Double.NaN;
    }

    private final MeterRegistry registry;
    private final Map<String, Values> databases = new ConcurrentHashMap<>();

    public BackupMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** At start-up: what the last recorded backup of each database said. */
    public void restore(Iterable<Backup> latest) {
        for (Backup backup : latest) {
            Values values = of(backup.databaseName());
            values.success = "succeeded".equals(backup.status()) ? 1 : 0;
            if ("succeeded".equals(backup.status()) && backup.completedAt() != null) {
                values.lastSuccess = backup.completedAt().toEpochSecond();
                values.size = backup.sizeBytes() == null ? Double.NaN : backup.sizeBytes();
            }
        }
    }

    public void succeeded(String database, Duration duration, long size) {
        Values values = of(database);
        values.success = 1;
        values.lastSuccess = System.currentTimeMillis() / 1000.0;
        values.duration = duration.toMillis() / 1000.0;
        values.size = size;
    }

    public void failed(String database, Duration duration) {
        Values values = of(database);
        values.success = 0;
        values.duration = duration.toMillis() / 1000.0;
    }

    private Values of(String database) {
        return databases.computeIfAbsent(database, name -> {
            Values values = new Values();
            Gauge.builder("backup_job_success", values, v -> v.success).tag("database", name)
                    .description("1 if the last backup of the database succeeded, 0 if it failed").register(registry);
            Gauge.builder("backup_last_success_timestamp_seconds", values, v -> v.lastSuccess).tag("database", name)
                    .description("When the last successful backup finished (Unix time)").register(registry);
            Gauge.builder("backup_duration_seconds", values, v -> v.duration).tag("database", name)
                    .description("How long the last backup took").register(registry);
            Gauge.builder("backup_size_bytes", values, v -> v.size).tag("database", name)
                    .description("Size of the last successful backup (encrypted file)").register(registry);
            return values;
        });
    }
}
