package io.onboarding.backup;

import java.util.function.Consumer;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;

/**
 * A tick of a tenant's backup schedule (job {@code tenant-backups.<tenant_id>} in the clustered job
 * store, so one instance runs it): starts a scheduled backup operation and returns. The tenant id
 * is the job's name; nothing of the schedule ever reaches an endpoint URI.
 */
@DisallowConcurrentExecution
public final class TenantBackupJob implements Job {

    /** Scheduler-context key of what starts a scheduled backup, put there before the scheduler starts. */
    static final String LAUNCHER = "tenant-onboarding.backup-launcher";

    @Override
    @SuppressWarnings("unchecked")
    public void execute(JobExecutionContext context) throws JobExecutionException {
        try {
            Object launcher = context.getScheduler().getContext().get(LAUNCHER);
            if (launcher == null) {
                throw new JobExecutionException("the backup launcher is not registered with this scheduler");
            }
            ((Consumer<String>) launcher).accept(context.getJobDetail().getKey().getName());
        } catch (SchedulerException | RuntimeException e) {
            throw e instanceof JobExecutionException j ? j : new JobExecutionException(e);
        }
    }
}
