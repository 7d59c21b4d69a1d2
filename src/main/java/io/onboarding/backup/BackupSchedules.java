package io.onboarding.backup;

import io.onboarding.kit.CronSchedules;

import io.onboarding.tenant.BackupLimits;

import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each active tenant's backup schedule is a {@link TenantBackupJob} with a cron trigger, made through
 * Quartz's API on the camel-quartz scheduler (clustered JDBC job store in the control plane, so with
 * several instances every tick runs on exactly one of them). The expression is trigger data only: it
 * never becomes part of an endpoint URI, and rescheduling touches no route (readiness does not flap).
 * Every instance checks the schedules of all active tenants at start-up; an unchanged trigger is kept.
 */
public final class BackupSchedules {

    private static final Logger LOG = LoggerFactory.getLogger(BackupSchedules.class);
    private static final String TOPIC = "backups";
    /** The Quartz group of every schedule; job and trigger are named by the tenant id. */
    private static final String GROUP = "tenant-backups";

    private final CamelContext camel;
    private final TenantRepository tenants;
    private final BackupLimits limits;

    public BackupSchedules(CamelContext camel, TenantRepository tenants, BackupLimits limits) {
        this.camel = camel;
        this.tenants = tenants;
        this.limits = limits;
    }

    /** Step {@code schedule-tenant-backups} (a {@code step-warns}: a failure is the tenant's warning). */
    public void schedule(TenantRecord tenant) throws Exception {
        scheduleTenant(tenant);
    }

    /** At start-up: every active tenant's schedule. */
    public void scheduleAll() {
        for (TenantRecord tenant : tenants.active()) {
            scheduleOrWarn(tenant);
        }
    }

    /** The schedule set up and the tenant's warning cleared, or the warning set; the problem or null. */
    private String scheduleOrWarn(TenantRecord tenant) {
        try {
            scheduleTenant(tenant);
            tenants.clearWarning(tenant.tenantId(), TOPIC);
            return null;
        } catch (Exception e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            LOG.warn("Backup schedule of tenant {} not set up: {}", tenant.tenantId(), reason);
            tenants.setWarning(tenant.tenantId(), TOPIC, "schedule not set up: " + reason);
            return reason;
        }
    }

    /** (Re)creates the tenant's job and trigger from its backup policy; an identical trigger is kept. */
    public synchronized void scheduleTenant(TenantRecord tenant) throws SchedulerException {
        // Checked again here, interval included: a policy stored before the strict grammar and the
        // minimum interval existed (or a plan default) must not get through.
        CronSchedules.Checked checked = CronSchedules.check(tenant.backupPolicy().schedule(),
                limits.minScheduleInterval());
        String cron = checked.quartz().orElseThrow(() -> new InvalidSchedule(checked.problem()));
        Scheduler scheduler = scheduler();
        String name = tenant.tenantId().toString();
        TriggerKey triggerKey = TriggerKey.triggerKey(name, GROUP);
        JobKey jobKey = JobKey.jobKey(name, GROUP);
        Trigger existing = scheduler.getTrigger(triggerKey);
        JobDetail existingJob = scheduler.getJobDetail(jobKey);
        if (existing instanceof CronTrigger current && cron.equals(current.getCronExpression())
                && existingJob != null && existingJob.getJobClass() == TenantBackupJob.class) {
            return; // another instance (or an earlier start) made it already: its next fire time stands
        }
        JobDetail job = JobBuilder.newJob(TenantBackupJob.class).withIdentity(jobKey).storeDurably(false).build();
        Trigger trigger = TriggerBuilder.newTrigger().withIdentity(triggerKey).forJob(jobKey)
                .withSchedule(CronScheduleBuilder.cronSchedule(cron)).build();
        scheduler.scheduleJob(job, Set.of(trigger), true);
        LOG.info("Backups of tenant {} scheduled", tenant.tenantId());
    }

    /** The tenants that have a backup job in the shared job store (reconciliation). */
    public synchronized java.util.Set<UUID> scheduledTenants() throws SchedulerException {
        java.util.Set<UUID> scheduled = new java.util.HashSet<>();
        for (JobKey key : scheduler().getJobKeys(org.quartz.impl.matchers.GroupMatcher.jobGroupEquals(GROUP))) {
            try {
                scheduled.add(UUID.fromString(key.getName()));
            } catch (IllegalArgumentException notATenant) {
                // a job of this group not named by a tenant id is none of ours to report
            }
        }
        return scheduled;
    }

    /** Compensation (and destroy): the tenant's trigger and job removed from the shared job store. */
    public synchronized void unschedule(UUID tenantId) throws SchedulerException {
        Scheduler scheduler = scheduler();
        scheduler.unscheduleJob(TriggerKey.triggerKey(tenantId.toString(), GROUP));
        scheduler.deleteJob(JobKey.jobKey(tenantId.toString(), GROUP));
    }

    private Scheduler scheduler() throws SchedulerException {
        Scheduler scheduler = camel.getComponent("quartz", QuartzComponent.class).getScheduler();
        if (scheduler == null) {
            throw new SchedulerException("the Quartz scheduler is not started yet");
        }
        return scheduler;
    }

    /** The stored schedule fails the grammar; the message deliberately does not quote it. */
    private static final class InvalidSchedule extends IllegalStateException {
        InvalidSchedule(String problem) {
            super("backup_policy.schedule " + problem);
        }
    }
}
