package io.onboarding.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The step engine at route level: the real pipelines of provision-tenant.yaml and lifecycle.yaml,
 * the step templates and policies of steps.yaml, stub beans recording what is called. Which steps run
 * side by side is shown with latches and the journal's completion order, never with time.
 */
class StepEngineRouteTest extends StepEngineTestSupport {

    /** provision-tenant's steps as listed, with the bean call each makes. */
    static final Map<String, String> PROVISION_CALLS = orderedMap(
            "await-approval", "tenantApprovals.await",
            "create-tenant-roles", "tenantRoleProvisioner.createOrClaim",
            "create-tenant-database", "tenantDatabaseProvisioner.create",
            "migrate-tenant-schema", "tenantSchemaMigrator.migrate",
            "grant-tenant-privileges", "tenantPrivilegeGranter.grant",
            "store-tenant-role-secrets", "tenantRoleSecrets.store",
            "create-tenant-git-repository", "tenantGitRepositories.create",
            "configure-auth-providers", "authProviderSettings.enable",
            "provision-cloud-resources", "cloudResources.provision",
            "activate-tenant", "tenantRepository.activate",
            "configure-tenant-monitoring", "tenantMonitoring.configure",
            "schedule-tenant-backups", "backupSchedules.schedule",
            "invite-tenant-admin", "userInvitations.inviteTenantAdmin");
    /** How each is undone; absent: "nothing:" (compensated without a call). */
    static final Map<String, String> PROVISION_UNDO_CALLS = orderedMap(
            "create-tenant-roles", "tenantRoleProvisioner.drop",
            "create-tenant-database", "tenantDatabaseProvisioner.drop",
            "store-tenant-role-secrets", "tenantRoleSecrets.delete",
            "create-tenant-git-repository", "tenantGitRepositories.remove",
            "configure-auth-providers", "authProviderSettings.delete",
            "provision-cloud-resources", "cloudResources.release",
            "configure-tenant-monitoring", "tenantMonitoring.remove",
            "schedule-tenant-backups", "backupSchedules.unschedule",
            "invite-tenant-admin", "userInvitations.removeTenantAdmin");
    /**
     * What each step needs finished before it starts (docs/architecture.md): the chain in the database,
     * then what lives outside it beside each other, the tenant activated once all of it is there.
     */
    static final Map<String, Set<String>> PROVISION_NEEDS = Map.ofEntries(
            Map.entry("create-tenant-roles", Set.of("await-approval")),
            Map.entry("create-tenant-database", Set.of("create-tenant-roles")),
            Map.entry("migrate-tenant-schema", Set.of("create-tenant-database")),
            Map.entry("grant-tenant-privileges", Set.of("migrate-tenant-schema")),
            Map.entry("store-tenant-role-secrets", Set.of("create-tenant-database")),
            Map.entry("create-tenant-git-repository", Set.of("create-tenant-database")),
            Map.entry("configure-auth-providers", Set.of("create-tenant-database")),
            Map.entry("provision-cloud-resources", Set.of("create-tenant-database")),
            Map.entry("activate-tenant", Set.of("grant-tenant-privileges", "store-tenant-role-secrets",
                    "create-tenant-git-repository", "configure-auth-providers", "provision-cloud-resources")),
            Map.entry("configure-tenant-monitoring", Set.of("activate-tenant")),
            Map.entry("schedule-tenant-backups", Set.of("create-tenant-database")),
            Map.entry("invite-tenant-admin", Set.of("activate-tenant")));
    private static final String GIT = "create-tenant-git-repository";
    private static final String SECRETS = "store-tenant-role-secrets";
    private static final String AUTH = "configure-auth-providers";
    private static final String CLOUD = "provision-cloud-resources";

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
    void provisioningRunsEachStepOnceAfterTheStepsItNeedsAndJournalsEachOne() {
        UUID operation = launch("provision", newTenant(null));
        NotifyBuilder succeeded = new NotifyBuilder(context).fromRoute("provision-tenant-succeeded").whenDone(1).create();

        run(operation);

        assertThat(stubs.calls()).containsExactlyInAnyOrderElementsOf(withOutcome(PROVISION_CALLS.values(),
                "tenantEvents.publish(tenant.provisioned)")).endsWith("tenantEvents.publish(tenant.provisioned)");
        assertEachAfterItsNeeds(stubs.calls());
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
        assertThat(journal.completionOrder(operation)).hasSize(PROVISION_CALLS.size());
    }

    @Test
    void theStepsThatNeedOnlyTheDatabaseRunSideBySideUpToTheParallelSteps() {
        // Each of the four waits until all four have started: run one after another, the first would wait alone.
        CountDownLatch allStarted = new CountDownLatch(4);
        for (String step : List.of(SECRETS, GIT, AUTH, CLOUD)) {
            stubs.answer(PROVISION_CALLS.get(step), call -> {
                allStarted.countDown();
                if (!allStarted.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(step + " ran without the others");
                }
                return StepOutcome.done();
            });
        }
        UUID operation = launch("provision", newTenant(null));

        run(operation);

        assertThat(journal.operation(operation).status).isEqualTo("succeeded");
        assertEachAfterItsNeeds(stubs.calls());
        assertThat(stubs.mostAtOnce()).as("steps running at once, at most onboarding.operations.parallel-steps")
                .isEqualTo(parallelSteps());
    }

    @Test
    void aResumedOperationSkipsTheStepsTheJournalHasAsFinished() {
        UUID operation = launch("provision", newTenant(null));
        journal.stepFinished(operation, "await-approval", "skipped", "test");
        journal.stepFinished(operation, "create-tenant-roles", "done", null);
        journal.stepFinished(operation, "create-tenant-database", "skipped", "test");
        journal.stepFinished(operation, "migrate-tenant-schema", "warning", "test");

        run(operation);

        assertThat(stubs.calls()).containsExactlyInAnyOrderElementsOf(withOutcome(
                List.copyOf(PROVISION_CALLS.values()).subList(4, PROVISION_CALLS.size()),
                "tenantEvents.publish(tenant.provisioned)"));
        assertEachAfterItsNeeds(stubs.calls());
        assertThat(journal.operation(operation).status).isEqualTo("succeeded");
    }

    @Test
    void killedWhileBranchesRanTheNextRunRunsAgainWhatWasRunningAndWhatWasNotStarted() {
        UUID operation = launch("provision", newTenant(null));
        for (String step : List.of("await-approval", "create-tenant-roles", "create-tenant-database",
                "migrate-tenant-schema", SECRETS, CLOUD)) {
            journal.stepFinished(operation, step, "done", null);
        }
        // As a kill -9 leaves it: three branches in the middle of their step, one not started.
        for (String step : List.of("grant-tenant-privileges", GIT, "schedule-tenant-backups")) {
            journal.stepStarted(operation, step);
        }

        run(operation);

        assertThat(stubs.calls()).containsExactlyInAnyOrder("tenantPrivilegeGranter.grant",
                "tenantGitRepositories.create", "backupSchedules.schedule", "authProviderSettings.enable",
                "tenantRepository.activate", "tenantMonitoring.configure", "userInvitations.inviteTenantAdmin",
                "tenantEvents.publish(tenant.provisioned)");
        assertEachAfterItsNeeds(stubs.calls());
        assertThat(journal.operation(operation).status).isEqualTo("succeeded");
        assertThat(journal.steps(operation)).doesNotContainValue("running").doesNotContainValue("pending");
    }

    @Test
    void aFailedBranchLetsTheOthersFinishThenUndoesWhatRanInTheReverseOrderItFinished() {
        // Finished in an order other than listed (Git, auth providers, secrets), then the cloud step fails.
        UUID operation = launch("provision", newTenant(null));
        stubs.answer(PROVISION_CALLS.get(AUTH), call -> afterJournaled(operation, GIT));
        stubs.answer(PROVISION_CALLS.get(SECRETS), call -> afterJournaled(operation, AUTH));
        stubs.answer(PROVISION_CALLS.get(CLOUD), call -> {
            afterJournaled(operation, SECRETS);
            throw new IllegalStateException("the cloud provisioner answered 500");
        });
        NotifyBuilder failed = new NotifyBuilder(context).fromRoute("provision-tenant-failed").whenDone(1).create();

        run(operation);

        List<String> finished = journal.completionOrder(operation);
        assertThat(finished).containsSubsequence(GIT, AUTH, SECRETS, CLOUD);
        // Newest first by completion, not by the order listed (that would be auth, Git, secrets).
        assertThat(undoCalls()).containsExactlyElementsOf(undoCallsByCompletion(operation)).containsSubsequence(
                "cloudResources.release",
                "tenantRoleSecrets.delete", "authProviderSettings.delete", "tenantGitRepositories.remove");
        assertThat(stubs.calls()).doesNotContain("tenantRepository.activate", "tenantMonitoring.configure")
                .endsWith("tenantRepository.markFailed", "authProviderSettings.discardStaged",
                        "tenantEvents.publish(tenant.provisioning_failed)");
        assertThat(failed.matches(5, TimeUnit.SECONDS)).isTrue();
        // Everything that ran is undone; what needed the failed step never started.
        assertThat(journal.steps(operation)).containsEntry("activate-tenant", "pending")
                .containsEntry("configure-tenant-monitoring", "pending").containsEntry("invite-tenant-admin", "pending")
                .containsEntry(CLOUD, "compensated").containsEntry(SECRETS, "compensated")
                .containsEntry("grant-tenant-privileges", "compensated").doesNotContainValue("done")
                .doesNotContainValue("running");
        InMemoryStepJournal.Operation op = journal.operation(operation);
        assertThat(op.status).isEqualTo("failed");
        assertThat(op.compensated).isTrue();
        assertThat(op.error).isEqualTo("the cloud provisioner answered 500");
    }

    @Test
    void killedAfterABranchFailedTheNextRunFinishesTheOthersThenUndoesInTheReverseOrderTheyFinished() {
        stubs.fail(PROVISION_CALLS.get(GIT), new IllegalStateException("repository exists and is not the tenant's"));
        UUID operation = launch("provision", newTenant(null));
        for (String step : List.of("await-approval", "create-tenant-roles", "create-tenant-database", AUTH,
                "migrate-tenant-schema", "grant-tenant-privileges")) {
            journal.stepFinished(operation, step, "done", null);
        }
        journal.stepFinished(operation, GIT, "failed", "repository exists and is not the tenant's");
        journal.stepStarted(operation, SECRETS); // its branch was killed in the middle of its step

        run(operation);

        // Both run again (a failed step is re-run like an interrupted one), Git fails again; then all is undone.
        assertThat(stubs.calls()).contains("tenantRoleSecrets.store", "tenantGitRepositories.create");
        assertThat(undoCalls()).containsExactlyElementsOf(undoCallsByCompletion(operation))
                .endsWith("authProviderSettings.delete", "tenantDatabaseProvisioner.drop", "tenantRoleProvisioner.drop");
        assertThat(journal.operation(operation).compensated).isTrue();
        assertThat(journal.steps(operation)).doesNotContainValue("done").doesNotContainValue("running");
    }

    @Test
    void theAdminIsInvitedWhenTheTenantHasAnAdminEmail() {
        UUID operation = launch("provision", newTenant("admin@acme.example"));

        run(operation);

        assertThat(journal.steps(operation)).containsEntry("invite-tenant-admin", "done");
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

        assertThat(stubs.calls()).containsExactlyInAnyOrderElementsOf(withOutcome(PROVISION_CALLS.values(),
                "tenantEvents.publish(tenant.provisioned)"));
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

    /** onboarding.operations.parallel-steps=1: one step at a time, in the order the pipeline lists them. */
    @Nested
    class OneStepAtATime extends StepEngineTestSupport {

        @Override
        String routes() {
            return StepEngineRouteTest.this.routes();
        }

        @Override
        int parallelSteps() {
            return 1;
        }

        @Test
        void provisioningRunsItsStepsInTheOrderListed() {
            UUID operation = launch("provision", newTenant(null));

            run(operation);

            assertThat(stubs.calls()).containsExactlyElementsOf(withOutcome(PROVISION_CALLS.values(),
                    "tenantEvents.publish(tenant.provisioned)"));
            assertThat(journal.completionOrder(operation)).containsExactlyElementsOf(PROVISION_CALLS.keySet());
            assertThat(stubs.mostAtOnce()).isEqualTo(1);
        }
    }

    /** Every call of a step comes after the calls of the steps it needs (those of them that ran). */
    static void assertEachAfterItsNeeds(List<String> calls) {
        PROVISION_NEEDS.forEach((step, needs) -> {
            int at = calls.indexOf(PROVISION_CALLS.get(step));
            for (String need : needs) {
                int needed = calls.indexOf(PROVISION_CALLS.get(need));
                if (at >= 0 && needed >= 0) {
                    assertThat(needed).as(step + " after " + need + " in " + calls).isLessThan(at);
                }
            }
        });
    }

    /** The undo calls made, in order: every call after the last step's and before the failure is recorded. */
    private List<String> undoCalls() {
        List<String> calls = stubs.calls();
        List<String> undos = new ArrayList<>(calls.subList(0, calls.indexOf("tenantRepository.markFailed")));
        undos.removeIf(call -> !PROVISION_UNDO_CALLS.containsValue(call));
        return undos;
    }

    /** The undo calls of the steps that ran, in the reverse of the order the journal says they finished. */
    private List<String> undoCallsByCompletion(UUID operation) {
        List<String> expected = new ArrayList<>();
        for (String step : journal.completionOrder(operation)) {
            if (PROVISION_UNDO_CALLS.containsKey(step)) {
                expected.add(0, PROVISION_UNDO_CALLS.get(step));
            }
        }
        return expected;
    }

    /** Waits in a step until another step's outcome is journaled: fixes the order in which branches finish. */
    private StepOutcome afterJournaled(UUID operation, String step) {
        await().atMost(Duration.ofSeconds(30)).until(() -> journal.completionOrder(operation).contains(step));
        return StepOutcome.done();
    }

    private static List<String> withOutcome(java.util.Collection<String> calls, String outcome) {
        List<String> all = new ArrayList<>(calls);
        all.add(outcome);
        return all;
    }

    private static Map<String, String> orderedMap(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
