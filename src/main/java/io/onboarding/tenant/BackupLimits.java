package io.onboarding.tenant;

import io.onboarding.kit.CronSchedules;

import java.time.Duration;

/**
 * Bounds on what a backup policy may ask for, so one tenant cannot fill the backup storage or keep
 * the workers busy: the shortest interval between scheduled runs, the longest retention, how many
 * backups a tenant keeps at most, and how long a destroyed tenant's backups outlive it.
 */
public record BackupLimits(Duration minScheduleInterval, int maxRetentionDays, int maxBackupsPerTenant,
                           Duration finalRetention) {

    public BackupLimits {
        if (maxRetentionDays < 1 || maxBackupsPerTenant < 1 || minScheduleInterval.isNegative()
                || finalRetention.isNegative()) {
            throw new IllegalStateException("onboarding.backup limits must be positive");
        }
    }

    /** Why a backup_policy.schedule is refused (never quoting it), or null if it is acceptable. */
    public String scheduleProblem(String schedule) {
        return CronSchedules.check(schedule, minScheduleInterval).problem();
    }
}
