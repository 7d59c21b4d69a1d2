package io.onboarding.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.onboarding.support.Pipelines;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;

/**
 * The step engine at route level: the real pipelines of provision-tenant.yaml and lifecycle.yaml,
 * the step templates and policies of steps.yaml, stub beans recording what is called.
 */
class StepEngineRouteTest extends StepEngineTestSupport {

    /** The outcome route of a failed provisioning: the tenant marked failed, staged settings discarded, the event. */
    private static final List<String> PROVISION_FAILED_CALLS = List.of("tenantRepository.markFailed",
            "authProviderSettings.discardStaged", "tenantEvents.publish(tenant.provisioning_failed)");

    /** Each provisioning step's {@code do}, in the pipeline's order, then the succeeded outcome's event. */
    private List<String> provisionCalls() {
        List<String> calls = new ArrayList<>(steps("provision").stream().map(this::doCall).toList());
        calls.add("tenantEvents.publish(tenant.provisioned)");
        return calls;
    }

    /** Every step of the provisioning pipeline with {@code status}, but for those given. */
    private Map<String, String> provisionSteps(String status, Map<String, String> except) {
        Map<String, String> expected = new LinkedHashMap<>();
        steps("provision").forEach(step -> expected.put(step, except.getOrDefault(step, status)));
        return expected;
    }

    @Override
    String routes() {
        return "file:routes/steps.yaml,file:routes/provision-tenant.yaml,file:routes/lifecycle.yaml";
    }

    @Test
    void provisioningRunsItsStepsInOrderAndJournalsEachOne() {
        UUID operation = launch("provision", newTenant(null));
        NotifyBuilder succeeded = new NotifyBuilder(context).fromRoute("provision-tenant-succeeded").whenDone(1).create();

        run(operation);

        assertThat(stubs.calls()).containsExactlyElementsOf(provisionCalls());
        assertThat(succeeded.matches(5, TimeUnit.SECONDS)).isTrue();
        assertThat(journal.operation(operation).status).isEqualTo("succeeded");
        assertThat(journal.steps(operation)).containsExactlyEntriesOf(
                provisionSteps("done", Map.of("invite-tenant-admin", "skipped")));
        assertThat(journal.error(operation, "invite-tenant-admin")).isEqualTo("no admin_email");
    }

    @Test
    void theAdminIsInvitedWhenTheTenantHasAnAdminEmail() {
        UUID operation = launch("provision", newTenant("admin@acme.example"));

        run(operation);

        assertThat(journal.steps(operation)).containsEntry("invite-tenant-admin", "done");
    }

    @Test
    void aResumedOperationSkipsTheStepsTheJournalHasAsFinished() {
        UUID operation = launch("provision", newTenant(null));
        List<String> finished = steps("provision").subList(0, 4);
        journal.stepFinished(operation, finished.get(0), "skipped", "test");
        journal.stepFinished(operation, finished.get(1), "done", null);
        journal.stepFinished(operation, finished.get(2), "skipped", "test");
        journal.stepFinished(operation, finished.get(3), "warning", "test");

        run(operation);

        assertThat(stubs.calls()).containsExactlyElementsOf(provisionCalls().subList(4, provisionCalls().size()));
        assertThat(journal.operation(operation).status).isEqualTo("succeeded");
    }

    @Test
    void aFailedStepUndoesTheStepsThatRanNewestFirst() {
        stubs.fail("tenantRepository.activate", new IllegalStateException("control plane refused the update"));
        UUID operation = launch("provision", newTenant(null));
        NotifyBuilder failed = new NotifyBuilder(context).fromRoute("provision-tenant-failed").whenDone(1).create();

        run(operation);

        // activate-tenant, grant and migrate are "nothing:" (compensated without a call); the failed step
        // itself is undone too, since it may have done part of its work.
        List<String> expected = new ArrayList<>(callsFailingAt("provision", "activate-tenant"));
        expected.addAll(PROVISION_FAILED_CALLS);
        assertThat(stubs.calls()).containsExactlyElementsOf(expected);
        assertThat(stubs.calls()).containsSubsequence("tenantRepository.activate", "cloudResources.release",
                "tenantDatabaseProvisioner.drop", "tenantRoleProvisioner.drop");
        assertThat(failed.matches(5, TimeUnit.SECONDS)).isTrue();
        Map<String, String> ran = new LinkedHashMap<>();
        steps("provision").subList(0, steps("provision").indexOf("activate-tenant") + 1)
                .forEach(step -> ran.put(step, "compensated"));
        assertThat(journal.steps(operation)).containsExactlyEntriesOf(provisionSteps("pending", ran));
        InMemoryStepJournal.Operation op = journal.operation(operation);
        assertThat(op.status).isEqualTo("failed");
        assertThat(op.compensated).isTrue();
        assertThat(op.error).isEqualTo("control plane refused the update");
    }

    @Test
    void aFailureEarlyUndoesOnlyWhatRan() {
        stubs.fail("tenantDatabaseProvisioner.create", new IllegalStateException("database name taken"));
        UUID operation = launch("provision", newTenant(null));

        run(operation);

        List<String> expected = new ArrayList<>(callsFailingAt("provision", "create-tenant-database"));
        expected.addAll(PROVISION_FAILED_CALLS);
        assertThat(stubs.calls()).containsExactlyElementsOf(expected);
        assertThat(stubs.calls()).containsSubsequence("tenantDatabaseProvisioner.create",
                "tenantDatabaseProvisioner.drop", "tenantRoleProvisioner.drop").doesNotContain("tenantSchemaMigrator.migrate");
        assertThat(journal.operation(operation).compensated).isTrue();
    }

    @Test
    void anIrreversibleStepIsReportedAsNotUndone() {
        stubs.fail("tenantDatabaseProvisioner.dropAll", new IllegalStateException("database is being accessed"));
        UUID operation = launch("destroy", newTenant(null));

        run(operation);

        // Monitoring and the schedule come back, newest first; the irreversible steps are left and named.
        assertThat(stubs.calls()).containsExactly("backupSteps.finalBackup", "backupSchedules.unschedule",
                "tenantMonitoring.remove", "userInvitations.removeAll", "tenantGitRepositories.retire",
                "cloudResources.release", "tenantDatabaseProvisioner.dropAll",
                "tenantMonitoring.configure", "backupSchedules.schedule", "backupSteps.discardDump",
                "tenantLifecycle.destroyFailed");
        InMemoryStepJournal.Operation op = journal.operation(operation);
        assertThat(op.status).isEqualTo("failed");
        assertThat(op.compensated).isFalse();
        assertThat(op.error).isEqualTo("database is being accessed; not undone: drop-tenant-databases,"
                + " release-cloud-resources, archive-tenant-git-repository, remove-tenant-users");
        assertThat(journal.steps(operation)).containsEntry("take-final-backup", "compensated")
                .containsEntry("remove-tenant-monitoring", "compensated")
                .containsEntry("unschedule-tenant-backups", "compensated")
                .containsEntry("drop-tenant-databases", "failed").containsEntry("remove-tenant-users", "done");
    }

    @Test
    void aWarningStepsFailureIsAWarningAndTheOperationGoesOn() {
        stubs.fail("tenantMonitoring.configure", new IllegalStateException("rules directory not writable"));
        UUID tenant = newTenant(null);
        UUID operation = launch("provision", tenant);

        run(operation);

        assertThat(stubs.calls()).containsExactlyElementsOf(provisionCalls());
        assertThat(journal.operation(operation).status).isEqualTo("succeeded");
        assertThat(journal.steps(operation)).containsEntry("configure-tenant-monitoring", "warning")
                .containsEntry("schedule-tenant-backups", "done").containsEntry("invite-tenant-admin", "skipped");
        assertThat(journal.error(operation, "configure-tenant-monitoring"))
                .isEqualTo("monitoring: rules directory not writable");
        assertThat(stubs.warnings.get(tenant)).containsExactly(entry("monitoring", "rules directory not writable"));
    }

    @Test
    void aWarningIsClearedWhenTheStepNextSucceeds() {
        UUID tenant = newTenant(null);
        stubs.tenantWarnings().setWarning(tenant, "monitoring", "rules directory not writable");
        stubs.tenantWarnings().setWarning(tenant, "backups", "quartz down");
        stubs.fail("backupSchedules.schedule", new IllegalStateException("quartz down again"));

        run(launch("provision", tenant));

        assertThat(stubs.warnings.get(tenant)).containsExactly(entry("backups", "quartz down again"));
    }

    @Test
    void aTransientFailureIsRedeliveredAndTheStepSucceeds() {
        stubs.answer("tenantDatabaseProvisioner.create", call -> {
            if (call <= 2) {
                throw new ConnectException("Connection refused");
            }
            return StepOutcome.done();
        });
        UUID operation = launch("provision", newTenant(null));

        run(operation);

        assertThat(stubs.count("tenantDatabaseProvisioner.create")).isEqualTo(3);
        assertThat(journal.steps(operation)).containsEntry("create-tenant-database", "done");
        assertThat(journal.operation(operation).status).isEqualTo("succeeded");
    }

    @Test
    void aTransientFailureThatPersistsFailsAfterTheRetries() {
        stubs.fail("tenantDatabaseProvisioner.create", new ConnectException("Connection refused"));
        UUID operation = launch("provision", newTenant(null));

        run(operation);

        assertThat(stubs.count("tenantDatabaseProvisioner.create")).isEqualTo(1 + 3);
        assertThat(journal.operation(operation).status).isEqualTo("failed");
        assertThat(journal.operation(operation).error).isEqualTo("Connection refused");
    }

    @Test
    void aNonTransientFailureFailsTheStepAtOnce() {
        stubs.fail("tenantDatabaseProvisioner.create", new IllegalArgumentException("connection limit out of range"));
        UUID operation = launch("provision", newTenant(null));

        run(operation);

        assertThat(stubs.count("tenantDatabaseProvisioner.create")).isEqualTo(1);
        assertThat(journal.operation(operation).status).isEqualTo("failed");
        assertThat(journal.operation(operation).compensated).isTrue();
    }

    @Test
    void theRealPipelinesPassTheStartUpCheck() {
        Map<String, List<String>> pipelines = pipelines().verify();

        // What Camel made of the YAML is what the files say, read here as plain YAML.
        assertThat(pipelines).isEqualTo(RouteFiles.stepsByPipeline(routes()));
        assertThat(pipelines).containsOnlyKeys("provision-tenant", "update-tenant", "destroy-tenant", "suspend-tenant",
                "resume-tenant");
        assertThat(pipelines.get("provision-tenant")).startsWith("await-approval", "create-tenant-roles")
                .endsWith("invite-tenant-admin");
    }

    /** What the black-box tests expect (support/Pipelines, an unstarted context) is what Camel Main runs. */
    @Test
    void theTestsReadThePipelinesAsTheServiceDoes() {
        for (String type : List.of("provision", "destroy")) {
            assertThat(Pipelines.steps(type)).as(type).isEqualTo(steps(type));
            for (String step : steps(type)) {
                assertThat(Pipelines.loaded().undo(step)).as(step).isEqualTo(pipelines().undo(step));
            }
        }
    }

    @Test
    void aWaitingStepLeavesTheOperationRunningAndTheNextRunGoesOn() {
        stubs.answer("tenantApprovals.await", call -> {
            if (call == 1) {
                throw new OperationWaiting("awaiting approval");
            }
            return StepOutcome.done();
        });
        UUID operation = launch("provision", newTenant(null));

        run(operation);

        assertThat(stubs.calls()).containsExactly("tenantApprovals.await");
        assertThat(journal.operation(operation).status).isEqualTo("running");
        assertThat(journal.steps(operation)).containsEntry("await-approval", "running")
                .containsEntry("create-tenant-roles", "pending");
        assertThat(journal.error(operation, "await-approval")).isEqualTo("awaiting approval");

        run(operation); // the decision came, or the recovery pass: the same operation goes on

        assertThat(journal.operation(operation).status).isEqualTo("succeeded");
        assertThat(journal.steps(operation)).containsEntry("await-approval", "done");
        assertThat(stubs.calls()).endsWith("tenantEvents.publish(tenant.provisioned)");
    }
}
