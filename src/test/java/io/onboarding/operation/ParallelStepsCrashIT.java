package io.onboarding.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.git.GitNaming;
import io.onboarding.operation.FaultHolds.Phase;
import io.onboarding.postgres.PostgresCluster;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
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
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;

/**
 * kill -9 while provisioning steps run side by side, one of them held in the middle of its work by a
 * hold point ({@link FaultHolds}, docs/faults.md), then a restart on the same data. One onboarding is
 * held inside its Git step while the steps beside it finish: the restart runs the Git step again and
 * finishes. Another is held inside its role-secrets step while its Git step fails (a look-alike
 * repository is in the way): the restart runs both again and then undoes everything in the reverse order
 * the steps finished, which the test sees from inside the compensation, held before one undo.
 */
class ParallelStepsCrashIT {

    private static final String TOKEN = "parallel-crash-token-0123456789";
    private static final String PLATFORM_DB = "platform_parallel_steps_it";
    private static final String GIT = "create-tenant-git-repository";
    private static final String SECRETS = "store-tenant-role-secrets";
    /** Steps beside the Git and secrets steps, none held: they finish while those are held. */
    private static final Map<String, String> SIBLINGS = Map.of("grant-tenant-privileges", "done",
            "configure-auth-providers", "skipped", "provision-cloud-resources", "skipped",
            "schedule-tenant-backups", "done");

    @Test
    void killedWhileOneBranchIsHeldTheRestartResumesEachBranchAndUndoesInTheReverseOrderOfCompletion()
            throws Exception {
        PostgresCluster pg = TestPostgres.cluster();
        Catalog catalog = new Catalog(pg, PLATFORM_DB);
        Path dataDir = Files.createTempDirectory("onboarding-parallel-crash");
        Path gitRoot = dataDir.resolve("git");
        Map<String, String> env = new HashMap<>(TestPostgres.environment());
        env.putAll(Map.of("PLATFORM_DB", PLATFORM_DB, "DATA_DIR", dataDir.toString(),
                "SERVER_PORT", Integer.toString(TestPostgres.freePort()), "ONBOARDING_API_TOKEN", TOKEN,
                "GIT_ROOT", gitRoot.toString()));
        // The pool off: a claim skips the database and grant steps, and this test follows each step's status.
        String[] jvm = {"-Donboarding.jms.embedded-port=" + TestPostgres.freePort(),
                "-Donboarding.faults.hold-points=true", "-Donboarding.operations.recovery-interval-ms=1000",
                "-Donboarding.tenant-database.pool-size=0"};
        TenantLeftovers leftovers = new TenantLeftovers(catalog, gitRoot, dataDir.resolve("prometheus"),
                dataDir.resolve("grafana"));
        UUID finishing = UUID.randomUUID();
        UUID failing = UUID.randomUUID();
        // Not the failing tenant's own repository: its Git step fails, and the look-alike is never removed.
        Git.init().setBare(true).setDirectory(gitRoot.resolve(GitNaming.repositoryName(failing) + ".git").toFile())
                .call().close();
        int finishingGit = FaultHolds.key(finishing, GIT, Phase.AFTER);
        int failingSecrets = FaultHolds.key(failing, SECRETS, Phase.BEFORE);
        int failingGit = FaultHolds.key(failing, GIT, Phase.BEFORE);
        int failingSecretsUndo = FaultHolds.key(failing, SECRETS, Phase.UNDO);

        String finishingOperation;
        String failingOperation;
        ServiceProcess first = ServiceProcess.start("parallel-first", env, jvm); // it makes PLATFORM_DB
        try (Connection holder = pg.connect(PLATFORM_DB)) {
            try (first) {
                lock(holder, "pg_advisory_lock", finishingGit, failingSecrets, failingGit);
                ApiClient api = first.api();
                finishingOperation = post(api, finishing);
                failingOperation = post(api, failing);

                // The finishing tenant: its Git step done but not journaled, the steps beside it all finished,
                // the steps listed after it included: they ran side by side.
                awaitWaitingOn(catalog, finishingGit);
                JsonNode held = awaitSiblingsFinished(api, finishingOperation);
                assertThat(stepStatus(held, GIT)).isEqualTo("running");
                assertThat(stepStatus(held, SECRETS)).isEqualTo("done");
                assertThat(stepStatus(held, "activate-tenant")).isEqualTo("pending");

                // The failing tenant: secrets held before their work; the others finish; then Git fails.
                awaitWaitingOn(catalog, failingSecrets, failingGit);
                awaitSiblingsFinished(api, failingOperation);
                lock(holder, "pg_advisory_unlock", failingGit);
                JsonNode failed = await().atMost(Duration.ofSeconds(60)).until(
                        () -> api.get("/api/v1/operations/" + failingOperation).body(),
                        op -> stepStatus(op, GIT).equals("failed"));
                // A failure does not cut the held step short: the operation waits for it before undoing anything.
                assertThat(stepStatus(failed, SECRETS)).isEqualTo("running");
                assertThat(failed.get("status").asText()).isEqualTo("running");
                assertThat(stepStatus(failed, "activate-tenant")).isEqualTo("pending");

                first.kill();
            }
            assertThat(catalog.platform("SELECT count(*) FROM operations WHERE status = 'running' AND"
                    + " operation_id IN (?::uuid, ?::uuid)", finishingOperation, failingOperation)).containsExactly("2");
            // The second start: nothing held but the failing tenant's undo of its secrets.
            lock(holder, "pg_advisory_lock", failingSecretsUndo);
            lock(holder, "pg_advisory_unlock", finishingGit, failingSecrets);

            try (ServiceProcess second = ServiceProcess.start("parallel-second", env, jvm)) {
                ApiClient api = second.api();
                JsonNode finished = await().atMost(Duration.ofSeconds(120)).until(
                        () -> api.get("/api/v1/operations/" + finishingOperation).body(),
                        op -> !op.get("status").asText().equals("running"));
                assertThat(finished.get("status").asText()).as(finished.toString()).isEqualTo("succeeded");
                finished.get("steps").forEach(step -> assertThat(step.get("status").asText())
                        .as(step.get("name").asText()).isIn("done", "skipped"));
                assertThat(catalog.platform("SELECT count(*) FROM operation_steps WHERE operation_id = ?::uuid"
                        + " AND completion IS NULL", finishingOperation)).as("every step's completion numbered")
                        .containsExactly("0");
                assertThat(api.get("/api/v1/tenants/" + finishing).body().get("status").asText()).isEqualTo("active");
                List<String> expected = new ArrayList<>(List.of("database " + TenantNaming.databaseName(finishing),
                        "role " + TenantNaming.stewardName(finishing), "backup trigger " + finishing,
                        "backup job " + finishing, "git repository " + GitNaming.repositoryName(finishing)));
                for (TenantRole role : TenantRole.values()) {
                    expected.add("role " + TenantNaming.roleName(finishing, role));
                    expected.add("secret tenant-roles/" + finishing + "/" + role.apiName());
                }
                assertThat(leftovers.of(finishing)).containsAll(expected)
                        .anyMatch(thing -> thing.startsWith("monitoring file "));
                assertThat(catalog.value("postgres", "SELECT shobj_description(oid, 'pg_database') FROM pg_database"
                        + " WHERE datname = ?", TenantNaming.databaseName(finishing)))
                        .isEqualTo(TenantNaming.ownerMarker(finishing));

                // The failing tenant, compensating, held before undoing its secrets: what finished after them
                // is undone already, what finished before them (the backup schedule, listed after them, among
                // it) is not yet.
                awaitWaitingOn(catalog, failingSecretsUndo);
                Map<String, String[]> steps = stepsWithCompletion(catalog, failingOperation);
                long secrets = Long.parseLong(steps.get(SECRETS)[1]);
                steps.forEach((step, statusAndCompletion) -> {
                    String status = statusAndCompletion[0];
                    if (step.equals(SECRETS) || status.equals("skipped") || status.equals("pending")) {
                        return;
                    }
                    if (Long.parseLong(statusAndCompletion[1]) > secrets) {
                        assertThat(status).as(step + ", finished after the secrets step").isEqualTo("compensated");
                    } else {
                        assertThat(status).as(step + ", finished before the secrets step").isNotEqualTo("compensated");
                    }
                });
                assertThat(steps.get("schedule-tenant-backups")[0]).isEqualTo("done");
                assertThat(Long.parseLong(steps.get("schedule-tenant-backups")[1])).isLessThan(secrets);
                lock(holder, "pg_advisory_unlock", failingSecretsUndo);

                JsonNode compensated = await().atMost(Duration.ofSeconds(120)).until(
                        () -> api.get("/api/v1/operations/" + failingOperation).body(),
                        op -> !op.get("status").asText().equals("running"));
                assertThat(compensated.get("status").asText()).as(compensated.toString()).isEqualTo("failed");
                assertThat(compensated.get("compensated").asBoolean()).as(compensated.toString()).isTrue();
                assertThat(api.get("/api/v1/tenants/" + failing).body().get("status").asText()).isEqualTo("failed");
                assertThat(catalog.databaseExists(TenantNaming.databaseName(failing))).isFalse();
                assertThat(catalog.roleExists(TenantNaming.roleName(failing, TenantRole.TENANT_ADMIN))).isFalse();
                assertThat(leftovers.of(failing)).containsExactly("git repository " + GitNaming.repositoryName(failing));
                assertThat(second.terminate()).isLessThan(Duration.ofSeconds(30));
            }
        }
    }

    private static String post(ApiClient api, UUID tenantId) {
        ApiClient.Response accepted = api.post("/api/v1/tenants", """
                {"tenant_id":"%s","tenant_name":"parallel-%s","plan":"standard","region":"local"}"""
                .formatted(tenantId, tenantId.toString().substring(0, 13)));
        assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(202);
        return accepted.body().get("operation_id").asText();
    }

    private static void lock(Connection holder, String function, int... keys) throws Exception {
        for (int key : keys) {
            try (PreparedStatement lock = holder.prepareStatement("SELECT " + function + "(?, ?)")) {
                lock.setInt(1, FaultHolds.NAMESPACE);
                lock.setInt(2, key);
                lock.execute();
            }
        }
    }

    /** Until the service waits at these hold points (pg_locks shows the int key as an unsigned oid). */
    private static void awaitWaitingOn(Catalog catalog, int... keys) {
        List<Long> expected = new ArrayList<>();
        for (int key : keys) {
            expected.add(Integer.toUnsignedLong(key));
        }
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(catalog.platform(
                "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = ?"
                        + " AND objsubid = 2 AND database = (SELECT oid FROM pg_database"
                        + " WHERE datname = current_database())", FaultHolds.NAMESPACE)
                .stream().map(Long::valueOf).toList()).containsAll(expected));
    }

    private static JsonNode awaitSiblingsFinished(ApiClient api, String operationId) {
        return await().atMost(Duration.ofSeconds(120)).until(() -> api.get("/api/v1/operations/" + operationId).body(),
                op -> SIBLINGS.entrySet().stream().allMatch(sibling -> stepStatus(op, sibling.getKey())
                        .equals(sibling.getValue())));
    }

    /** Step name → {status, completion number} from the journal. */
    private static Map<String, String[]> stepsWithCompletion(Catalog catalog, String operationId) {
        Map<String, String[]> steps = new LinkedHashMap<>();
        catalog.platform("SELECT name || ' ' || status || ' ' || coalesce(completion::text, '-') FROM operation_steps"
                + " WHERE operation_id = ?::uuid ORDER BY position", operationId).forEach(row -> {
                    String[] parts = row.split(" ");
                    steps.put(parts[0], new String[] {parts[1], parts[2]});
                });
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
