package io.onboarding.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.net.ConnectException;
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

    private static final List<String> PROVISION_CALLS = List.of("tenantApprovals.await", "tenantRoleProvisioner.createOrClaim",
            "tenantDatabaseProvisioner.create", "tenantSchemaMigrator.migrate", "tenantPrivilegeGranter.grant",
            "tenantRoleSecrets.store", "tenantGitRepositories.create", "authProviderSettings.enable",
            "cloudResources.provision", "tenantRepository.activate", "tenantMonitoring.configure",
            "backupSchedules.schedule", "userInvitations.inviteTenantAdmin", "tenantEvents.publish(tenant.provisioned)");

    @Override
    String routes() {
        return "file:routes/steps.yaml,file:routes/provision-tenant.yaml,file:routes/lifecycle.yaml,"
                + "file:routes/users.yaml";
    }

    @Test
    void anInvitationIsFourStepsAndAFailedMailUndoesTheLoginAndTheCredentialNewestFirst() {
        UUID invited = launch("invite-user", newTenant(null));
        run(invited);
        assertThat(stubs.calls()).containsExactly("userCredentials.store", "userLogins.create",
                "invitationMail.prepare", "invitedUsers.record");
        assertThat(journal.operation(invited).status).isEqualTo("succeeded");

        stubs.clear();
        stubs.fail("invitationMail.prepare", new IllegalStateException("mail refused"));
        UUID refused = launch("invite-user", newTenant(null));
        run(refused);
        assertThat(stubs.calls()).containsExactly("userCredentials.store", "userLogins.create",
                "invitationMail.prepare", "invitationMail.discard", "userLogins.drop", "userCredentials.delete");
        InMemoryStepJournal.Operation op = journal.operation(refused);
        assertThat(op.status).isEqualTo("failed");
        assertThat(op.compensated).isTrue();
        assertThat(journal.steps(refused)).containsExactly(entry("store-user-credential", "compensated"),
                entry("create-user-login", "compensated"), entry("prepare-invitation-mail", "compensated"),
                entry("record-invited-user", "pending"));
    }

    @Test
    void provisioningRunsItsStepsInOrderAndJournalsEachOne() {
        UUID operation = launch("provision", newTenant(null));
        NotifyBuilder succeeded = new NotifyBuilder(context).fromRoute("provision-tenant-succeeded").whenDone(1).create();

        run(operation);

        assertThat(stubs.calls()).containsExactlyElementsOf(PROVISION_CALLS);
        assertThat(succeeded.matches(5, TimeUnit.SECONDS)).isTrue();
        assertThat(journal.operation(operation).status).isEqualTo("succeeded");
        assertThat(journal.steps(operation)).containsExactly(
                entry("await-approval", "done"),
                entry("create-tenant-roles", "done"), entry("create-tenant-database", "done"),
                entry("migrate-tenant-schema", "done"), entry("grant-tenant-privileges", "done"),
                entry("store-tenant-role-secrets", "done"), entry("create-tenant-git-repository", "done"),
                entry("configure-auth-providers", "done"), entry("provision-cloud-resources", "done"),
                entry("activate-tenant", "done"),
                entry("configure-tenant-monitoring", "done"), entry("schedule-tenant-backups", "done"),
                entry("invite-tenant-admin", "skipped"));
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
        journal.stepFinished(operation, "await-approval", "skipped", "test");
        journal.stepFinished(operation, "create-tenant-roles", "done", null);
        journal.stepFinished(operation, "create-tenant-database", "skipped", "test");
        journal.stepFinished(operation, "migrate-tenant-schema", "warning", "test");

        run(operation);

        assertThat(stubs.calls()).containsExactlyElementsOf(PROVISION_CALLS.subList(4, PROVISION_CALLS.size()));
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
        assertThat(stubs.calls()).containsExactly("tenantApprovals.await",
                "tenantRoleProvisioner.createOrClaim", "tenantDatabaseProvisioner.create",
                "tenantSchemaMigrator.migrate", "tenantPrivilegeGranter.grant", "tenantRoleSecrets.store",
                "tenantGitRepositories.create", "authProviderSettings.enable", "cloudResources.provision",
                "tenantRepository.activate",
                "cloudResources.release", "authProviderSettings.delete", "tenantGitRepositories.remove",
                "tenantRoleSecrets.delete", "tenantDatabaseProvisioner.drop", "tenantRoleProvisioner.drop",
                "tenantRepository.markFailed", "authProviderSettings.discardStaged",
                "tenantEvents.publish(tenant.provisioning_failed)");
        assertThat(failed.matches(5, TimeUnit.SECONDS)).isTrue();
        assertThat(journal.steps(operation)).containsExactly(
                entry("await-approval", "compensated"),
                entry("create-tenant-roles", "compensated"), entry("create-tenant-database", "compensated"),
                entry("migrate-tenant-schema", "compensated"), entry("grant-tenant-privileges", "compensated"),
                entry("store-tenant-role-secrets", "compensated"),
                entry("create-tenant-git-repository", "compensated"), entry("configure-auth-providers", "compensated"),
                entry("provision-cloud-resources", "compensated"), entry("activate-tenant", "compensated"),
                entry("configure-tenant-monitoring", "pending"), entry("schedule-tenant-backups", "pending"),
                entry("invite-tenant-admin", "pending"));
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

        assertThat(stubs.calls()).containsExactly("tenantApprovals.await",
                "tenantRoleProvisioner.createOrClaim", "tenantDatabaseProvisioner.create",
                "tenantDatabaseProvisioner.drop", "tenantRoleProvisioner.drop",
                "tenantRepository.markFailed", "authProviderSettings.discardStaged",
                "tenantEvents.publish(tenant.provisioning_failed)");
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

        assertThat(stubs.calls()).containsExactlyElementsOf(PROVISION_CALLS);
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
        subjects().of("provision").setWarning(tenant, "monitoring", "rules directory not writable");
        subjects().of("provision").setWarning(tenant, "backups", "quartz down");
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

        assertThat(pipelines).containsOnlyKeys("provision-tenant", "update-tenant", "destroy-tenant", "suspend-tenant",
                "resume-tenant", "invite-user-tenant");
        assertThat(pipelines.get("invite-user-tenant")).containsExactly("store-user-credential", "create-user-login",
                "prepare-invitation-mail", "record-invited-user");
        assertThat(pipelines.get("provision-tenant")).hasSize(13).startsWith("await-approval", "create-tenant-roles")
                .endsWith("invite-tenant-admin");
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
