package io.onboarding.backup;

import io.onboarding.operation.JournaledStepComponent;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.TriggerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each active tenant's backup schedule is a route made from the template
 * {@code tenant-backup-schedule}: a camel-quartz trigger on the clustered JDBC job store in the
 * control plane, so with several instances every tick runs on exactly one of them. Every instance
 * creates the routes of all active tenants at start-up; a trigger that exists already is reused.
 */
public final class BackupSchedules {

    private static final Logger LOG = LoggerFactory.getLogger(BackupSchedules.class);
    private static final String TOPIC = "backups";
    /** The Quartz group of every schedule: {@code quartz://tenant-backups/<tenant_id>} in routes/backup.yaml. */
    private static final String GROUP = "tenant-backups";

    private final CamelContext camel;
    private final TenantRepository tenants;

    public BackupSchedules(CamelContext camel, TenantRepository tenants) {
        this.camel = camel;
        this.tenants = tenants;
    }

    /** Provisioning step: the schedule set up, or a warning (retried at the next start). */
    public void schedule(Exchange exchange) {
        TenantRecord tenant = exchange.getMessage().getBody(TenantRecord.class);
        try {
            scheduleTenant(tenant);
            tenants.clearWarning(tenant.tenantId(), TOPIC);
        } catch (Exception e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            LOG.warn("Backup schedule of tenant {} not set up: {}", tenant.tenantId(), reason);
            tenants.setWarning(tenant.tenantId(), TOPIC, "schedule not set up: " + reason);
            exchange.setProperty(JournaledStepComponent.WARNING_PROPERTY, TOPIC + ": " + reason);
        }
    }

    /** (Re)creates the tenant's schedule route from its backup policy. */
    public synchronized void scheduleTenant(TenantRecord tenant) throws Exception {
        String cron = CronSchedules.toQuartz(tenant.backupPolicy().schedule())
                .orElseThrow(() -> new IllegalStateException("invalid schedule " + tenant.backupPolicy().schedule()));
        String routeId = routeId(tenant.tenantId());
        if (camel.getRoute(routeId) != null) {
            camel.getRouteController().stopRoute(routeId);
            camel.removeRoute(routeId);
        }
        camel.addRouteFromTemplate(routeId, "tenant-backup-schedule",
                Map.of("tenantId", tenant.tenantId().toString(), "cron", cron.replace(' ', '+')));
        LOG.info("Backups of tenant {} scheduled: {}", tenant.tenantId(), tenant.backupPolicy().schedule());
    }

    /** Compensation (and destroy): the schedule route and its trigger in the job store removed. */
    public synchronized void unschedule(UUID tenantId) throws Exception {
        String routeId = routeId(tenantId);
        if (camel.getRoute(routeId) != null) {
            camel.getRouteController().stopRoute(routeId);
            camel.removeRoute(routeId);
        }
        // Removing the route leaves the trigger in the (shared) job store: delete it for every instance.
        Scheduler scheduler = camel.getComponent("quartz", QuartzComponent.class).getScheduler();
        scheduler.unscheduleJob(TriggerKey.triggerKey(tenantId.toString(), GROUP));
        scheduler.deleteJob(JobKey.jobKey(tenantId.toString(), GROUP));
    }

    /** At start-up: every active tenant's schedule. */
    public void scheduleAll() {
        for (TenantRecord tenant : tenants.active()) {
            try {
                scheduleTenant(tenant);
            } catch (Exception e) {
                LOG.warn("Backup schedule of tenant {} not set up: {}", tenant.tenantId(), e.getMessage());
                tenants.setWarning(tenant.tenantId(), TOPIC, "schedule not set up: " + e.getMessage());
            }
        }
    }

    private static String routeId(UUID tenantId) {
        return "backup-schedule-" + tenantId;
    }
}
