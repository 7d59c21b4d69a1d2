package io.onboarding.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.git.GitNaming;
import io.onboarding.operation.FaultHolds.Phase;
import io.onboarding.postgres.PostgresCluster;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.Pipelines;
import io.onboarding.support.ServiceProcess;
import io.onboarding.support.TenantLeftovers;
import io.onboarding.support.TestPostgres;
import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import io.onboarding.users.UserInvitations;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;

/**
 * kill -9 inside every step of onboarding, of destroy, and inside compensation, then a restart on the
 * same data: every operation ends succeeded, or failed with {@code "compensated": true}, and nothing
 * of a failed or destroyed tenant is left. One kill covers every point: each tenant is held at its
 * own point by the test hook {@code onboarding.faults.hold-points} (an advisory lock the test holds;
 * see {@link FaultHolds}), the test waits until every tenant waits there (seen in pg_locks), then kills.
 */
class FaultSuiteIT {

    private static final String TOKEN = "fault-suite-token-0123456789";
    private static final String PLATFORM_DB = "platform_fault_suite_it";
    /** provision-tenant, in order, as routes/ declares it (checked against what the service journals). */
    private static final List<String> PROVISION_STEPS = Pipelines.steps("provision");
    /** invite-user, in order. */
    private static final List<String> INVITE_STEPS = Pipelines.steps("invite-user");
    private static final List<String> DESTROY_STEPS = Pipelines.steps("destroy");
    /**
     * Undone while compensating a failed onboarding (the Git step fails on a look-alike repository): the
     * steps up to it that have an undo endpoint, newest first.
     */
    private static final List<String> UNDO_STEPS = undoneNewestFirst(
            Pipelines.stepsThrough("provision", "create-tenant-git-repository"));

    /** A hold point: {@code point} is a step's name, or a point inside a step ({@code journaledStep}). */
    private record Hold(UUID tenantId, String point, Phase phase, String journaledStep) {
        int key() {
            return FaultHolds.key(tenantId, point, phase);
        }
    }

    private static List<String> undoneNewestFirst(List<String> ran) {
        List<String> undone = new ArrayList<>(ran.stream()
                .filter(step -> Pipelines.loaded().undo(step) instanceof StepUndo.Endpoint).toList());
        java.util.Collections.reverse(undone);
        return undone;
    }

    @Test
    void killedInsideEveryStepTheRestartEndsEveryOperationCleanlyWithNoOrphan() throws Exception {
        PostgresCluster pg = TestPostgres.cluster();
        Catalog catalog = new Catalog(pg, PLATFORM_DB);
        Path dataDir = Files.createTempDirectory("onboarding-faults");
        Path gitRoot = dataDir.resolve("git");
        Map<String, String> env = new HashMap<>(TestPostgres.environment());
        env.putAll(Map.of("PLATFORM_DB", PLATFORM_DB, "DATA_DIR", dataDir.toString(),
                "SERVER_PORT", Integer.toString(TestPostgres.freePort()), "ONBOARDING_API_TOKEN", TOKEN,
                "GIT_ROOT", gitRoot.toString()));
        String[] jvm = {"-Donboarding.jms.embedded-port=" + TestPostgres.freePort(),
                "-Donboarding.faults.hold-points=true", "-Donboarding.operations.recovery-interval-ms=1000",
                // every held operation keeps a worker and two connections until the kill
                "-Donboarding.operations.workers=64", "-Donboarding.platform-db.pool-size=150"};
        TenantLeftovers leftovers = new TenantLeftovers(catalog, gitRoot, dataDir.resolve("prometheus"),
                dataDir.resolve("grafana"));

        Map<UUID, Hold> provisioning = new LinkedHashMap<>();
        Map<UUID, Hold> destroying = new LinkedHashMap<>();
        Map<UUID, Hold> compensating = new LinkedHashMap<>();
        for (Phase phase : List.of(Phase.BEFORE, Phase.AFTER)) {
            PROVISION_STEPS.forEach(step -> hold(provisioning, step, phase));
            DESTROY_STEPS.forEach(step -> hold(destroying, step, phase));
        }
        UNDO_STEPS.forEach(step -> hold(compensating, step, Phase.UNDO));
        // Inside the admin's invitation: credential and login role made, mail and record not.
        hold(provisioning, UserInvitations.ADMIN_HOLD_POINT, Phase.AFTER, "invite-tenant-admin");
        // POST /users: the operation invite-user, held before its first step and after each of its steps.
        Map<UUID, Hold> invitingDirectly = new LinkedHashMap<>();
        hold(invitingDirectly, INVITE_STEPS.get(0), Phase.BEFORE);
        INVITE_STEPS.forEach(step -> hold(invitingDirectly, step, Phase.AFTER));
        for (UUID tenantId : compensating.keySet()) { // not this tenant's: the Git step fails, compensation runs
            Git.init().setBare(true).setDirectory(gitRoot.resolve(GitNaming.repositoryName(tenantId) + ".git").toFile())
                    .call().close();
        }

        Map<UUID, String> operations = new LinkedHashMap<>();
        try (ServiceProcess first = ServiceProcess.start("faults-first", env, jvm);
             Connection holder = pg.connect(PLATFORM_DB)) {
            List<Hold> holds = new ArrayList<>();
            holds.addAll(provisioning.values());
            holds.addAll(destroying.values());
            holds.addAll(compensating.values());
            holds.addAll(invitingDirectly.values());
            for (Hold hold : holds) {
                try (PreparedStatement lock = holder.prepareStatement("SELECT pg_advisory_lock(?, ?)")) {
                    lock.setInt(1, FaultHolds.NAMESPACE);
                    lock.setInt(2, hold.key());
                    lock.execute();
                }
            }
            ApiClient api = first.api();
            Map<UUID, String> provisionedFirst = new LinkedHashMap<>();
            for (UUID tenantId : destroying.keySet()) {
                provisionedFirst.put(tenantId, post(api, tenantId, null));
            }
            for (UUID tenantId : invitingDirectly.keySet()) {
                provisionedFirst.put(tenantId, post(api, tenantId, null));
            }
            for (UUID tenantId : provisioning.keySet()) {
                operations.put(tenantId, post(api, tenantId, "admin-" + tenantId + "@example.test"));
            }
            for (UUID tenantId : compensating.keySet()) {
                operations.put(tenantId, post(api, tenantId, null));
            }
            for (UUID tenantId : destroying.keySet()) {
                awaitSucceeded(api, provisionedFirst.get(tenantId));
                ApiClient.Response accepted = api.delete("/api/v1/tenants/" + tenantId + "?confirm=" + name(tenantId));
                assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(202);
                operations.put(tenantId, accepted.body().get("operation_id").asText());
            }
            List<CompletableFuture<ApiClient.Response>> invitations = new ArrayList<>();
            for (UUID tenantId : invitingDirectly.keySet()) {
                awaitSucceeded(api, provisionedFirst.get(tenantId));
                invitations.add(CompletableFuture.supplyAsync(() -> api.post("/api/v1/tenants/" + tenantId + "/users",
                        "{\"email\":\"dev@example.test\",\"role\":\"developer\",\"invited_by\":\"fault suite\"}")));
            }
            // Every operation waits at its hold point: inside its step (or undo), journaled as running.
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(waitingKeys(catalog)).containsAll(
                            holds.stream().map(hold -> Integer.toUnsignedLong(hold.key())).toList()));
            for (UUID tenantId : invitingDirectly.keySet()) { // the REST call waits: its operation is listed
                JsonNode listed = api.get("/api/v1/operations?tenant_id=" + tenantId + "&type=invite-user").body();
                assertThat(listed.get("items")).as(listed.toString()).hasSize(1);
                operations.put(tenantId, listed.get("items").get(0).get("operation_id").asText());
                assertThat(provisioningStepsOf(api, operations.get(tenantId))).isEqualTo(INVITE_STEPS);
            }
            for (Hold hold : holds) {
                JsonNode operation = api.get("/api/v1/operations/" + operations.get(hold.tenantId())).body();
                assertThat(stepStatus(operation, hold.journaledStep())).as(hold.toString())
                        .isIn(hold.phase() == Phase.UNDO ? List.of("done", "failed") : List.of("running"));
            }
            assertThat(provisioningStepsOf(api, operations.get(provisioning.keySet().iterator().next())))
                    .as("every onboarding step is covered").isEqualTo(PROVISION_STEPS);

            // A second operation on a tenant that runs one: 409 naming the running operation.
            UUID busy = provisioning.entrySet().stream().filter(entry -> entry.getValue().point()
                    .equals("schedule-tenant-backups")).findFirst().orElseThrow().getKey();
            ApiClient.Response refused = api.post("/api/v1/tenants/" + busy + "/suspend", "{\"reason\":\"test\"}");
            assertThat(refused.status()).as(refused.body().toString()).isEqualTo(409);
            assertThat(refused.body().get("error").get("details").get(0).get("operation_id").asText())
                    .isEqualTo(operations.get(busy));
            assertThat(api.delete("/api/v1/tenants/" + busy + "?confirm=" + name(busy)).status()).isEqualTo(409);

            first.kill();
            invitations.forEach(invitation -> assertThat(invitation).failsWithin(Duration.ofSeconds(30)));
        }
        assertThat(catalog.platform("SELECT count(*) FROM operations WHERE status = 'running'"))
                .containsExactly(Integer.toString(operations.size()));

        try (ServiceProcess second = ServiceProcess.start("faults-second", env, jvm)) {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() -> catalog.platform(
                    "SELECT count(*) FROM operations WHERE status = 'running'").equals(List.of("0")));
            ApiClient api = second.api();
            for (Map.Entry<UUID, Hold> held : provisioning.entrySet()) {
                UUID tenantId = held.getKey();
                JsonNode operation = api.get("/api/v1/operations/" + operations.get(tenantId)).body();
                assertThat(operation.get("status").asText()).as(held.getValue() + ": " + operation).isEqualTo("succeeded");
                assertThat(api.get("/api/v1/tenants/" + tenantId).body().get("status").asText()).isEqualTo("active");
                // All of it there once: the four roles and one admin login, its secrets, files and schedule.
                List<String> expected = new ArrayList<>(List.of("database " + TenantNaming.databaseName(tenantId)));
                for (TenantRole role : TenantRole.values()) {
                    expected.add("role " + TenantNaming.roleName(tenantId, role));
                }
                List<String> found = leftovers.of(tenantId);
                assertThat(found).as(held.getValue().toString()).containsAll(expected)
                        .contains("backup trigger " + tenantId, "backup job " + tenantId,
                                "git repository " + GitNaming.repositoryName(tenantId));
                assertThat(found.stream().filter(thing -> thing.startsWith("role ")
                        && thing.contains("_u_"))).as(held.getValue() + ": one admin login").hasSize(1);
                assertThat(found.stream().filter(thing -> thing.startsWith("secret tenant-users/")))
                        .as(held.getValue() + ": one admin credential").hasSize(1);
                assertThat(found.stream().filter(thing -> thing.startsWith("monitoring file ")))
                        .as(held.getValue() + ": scrape target").isNotEmpty();
                assertThat(catalog.platform("SELECT count(*) FROM tenant_users WHERE tenant_id = ?", tenantId))
                        .as(held.getValue() + ": one admin user").containsExactly("1");
            }
            for (Map.Entry<UUID, Hold> held : compensating.entrySet()) {
                UUID tenantId = held.getKey();
                JsonNode operation = api.get("/api/v1/operations/" + operations.get(tenantId)).body();
                assertThat(operation.get("status").asText()).as(held.getValue() + ": " + operation).isEqualTo("failed");
                assertThat(operation.get("compensated").asBoolean()).as(held.getValue() + ": " + operation).isTrue();
                assertThat(api.get("/api/v1/tenants/" + tenantId).body().get("status").asText()).isEqualTo("failed");
                // The look-alike repository is not the tenant's: left as it was; nothing else remains.
                assertThat(gitRoot.resolve(GitNaming.repositoryName(tenantId) + ".git/HEAD")).exists();
                assertThat(leftovers.of(tenantId)).as(held.getValue().toString())
                        .containsExactly("git repository " + GitNaming.repositoryName(tenantId));
            }
            for (Map.Entry<UUID, Hold> held : destroying.entrySet()) {
                UUID tenantId = held.getKey();
                JsonNode operation = api.get("/api/v1/operations/" + operations.get(tenantId)).body();
                assertThat(operation.get("status").asText()).as(held.getValue() + ": " + operation).isEqualTo("succeeded");
                JsonNode tenant = api.get("/api/v1/tenants/" + tenantId).body();
                assertThat(tenant.get("status").asText()).isEqualTo("destroyed");
                assertThat(tenant.path("final_backup_id").isTextual()).as(tenant.toString()).isTrue();
                // Only the data key of the final backup, kept by design until its retention ends (README, Backups).
                assertThat(leftovers.of(tenantId)).as(held.getValue().toString())
                        .containsExactly("secret platform/backup-data-keys/" + tenantId);
                assertThat(gitRoot.resolve("archive")).isDirectoryContaining(
                        path -> path.getFileName().toString().startsWith(GitNaming.repositoryName(tenantId)));
            }
            for (Map.Entry<UUID, Hold> held : invitingDirectly.entrySet()) {
                // The engine resumed the invitation: one user, one login role, one credential, one mail queued.
                UUID tenantId = held.getKey();
                JsonNode operation = api.get("/api/v1/operations/" + operations.get(tenantId)).body();
                assertThat(operation.get("status").asText()).as(held.getValue() + ": " + operation).isEqualTo("succeeded");
                List<String> found = leftovers.of(tenantId);
                assertThat(found.stream().filter(thing -> thing.startsWith("role ") && thing.contains("_u_")))
                        .as(held.getValue() + ": one login").hasSize(1);
                assertThat(found.stream().filter(thing -> thing.startsWith("secret tenant-users/")))
                        .as(held.getValue() + ": one credential").hasSize(1);
                JsonNode users = api.get("/api/v1/tenants/" + tenantId + "/users").body().get("items");
                assertThat(users).as(held.getValue().toString()).hasSize(1);
                assertThat(users.get(0).get("status").asText()).isEqualTo("invited");
                assertThat(found).as(held.getValue().toString())
                        .contains("role " + users.get(0).get("database_user").asText());
                assertThat(catalog.platform("SELECT count(*) FROM mail_outbox WHERE id = ?::uuid",
                        users.get(0).get("user_id").asText())).as(held.getValue().toString()).containsExactly("1");
            }
            // No prepared invitation mail without its queued message.
            assertThat(catalog.platform("SELECT path FROM secrets s WHERE path LIKE 'platform/outbox/%' AND NOT EXISTS"
                    + " (SELECT 1 FROM mail_outbox m WHERE s.path = 'platform/outbox/' || m.id)")).isEmpty();
            assertThat(second.terminate()).isLessThan(Duration.ofSeconds(30));
        }
    }

    private static void hold(Map<UUID, Hold> holds, String step, Phase phase) {
        hold(holds, step, phase, step);
    }

    private static void hold(Map<UUID, Hold> holds, String point, Phase phase, String journaledStep) {
        UUID tenantId = UUID.randomUUID();
        holds.put(tenantId, new Hold(tenantId, point, phase, journaledStep));
    }

    private static void awaitSucceeded(ApiClient api, String operationId) {
        JsonNode operation = await().atMost(Duration.ofSeconds(120)).until(() -> api.get("/api/v1/operations/"
                + operationId + "?wait=30").body(), op -> !op.get("status").asText().equals("running"));
        assertThat(operation.get("status").asText()).as(operation.toString()).isEqualTo("succeeded");
    }

    private static String name(UUID tenantId) {
        return "fault-" + tenantId.toString().substring(0, 13);
    }

    private static String post(ApiClient api, UUID tenantId, String adminEmail) {
        ApiClient.Response accepted = api.post("/api/v1/tenants", """
                {"tenant_id":"%s","tenant_name":"%s","plan":"standard","region":"local"%s}""".formatted(tenantId,
                name(tenantId), adminEmail == null ? "" : ",\"admin_email\":\"" + adminEmail + "\""));
        assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(202);
        return accepted.body().get("operation_id").asText();
    }

    /** The hold points some connection waits on right now (pg_locks shows the int key as an unsigned oid). */
    private static List<Long> waitingKeys(Catalog catalog) {
        return catalog.platform("SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                + " AND classid = ? AND objsubid = 2 AND database = (SELECT oid FROM pg_database"
                + " WHERE datname = current_database())", FaultHolds.NAMESPACE).stream().map(Long::valueOf).toList();
    }

    private static List<String> provisioningStepsOf(ApiClient api, String operationId) {
        List<String> steps = new ArrayList<>();
        api.get("/api/v1/operations/" + operationId).body().get("steps").forEach(step -> steps.add(step.get("name").asText()));
        return steps;
    }

    private static String stepStatus(JsonNode operation, String step) {
        for (JsonNode candidate : operation.get("steps")) {
            if (candidate.get("name").asText().equals(step)) {
                return candidate.get("status").asText();
            }
        }
        throw new AssertionError("no step " + step + " in " + operation);
    }
}
