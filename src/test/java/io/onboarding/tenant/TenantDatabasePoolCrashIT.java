package io.onboarding.tenant;

import static io.onboarding.tenant.PoolDatabases.stepStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.operation.FaultHolds;
import io.onboarding.operation.FaultHolds.Phase;
import io.onboarding.postgres.PostgresCluster;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.ServiceProcess;
import io.onboarding.support.TestPostgres;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The packaged service killed with SIGKILL inside a claim from the pool: one tenant held inside the claim's
 * transaction (renames made, not committed), another just after its commit (not yet recorded in the control
 * plane). The next start finishes both, each exactly a fresh tenant's, and the pool is whole: nothing of it
 * half-claimed, nothing of the tenants' orphaned.
 */
class TenantDatabasePoolCrashIT {

    private static final String TOKEN = "pool-crash-token-0123456789";
    private static final String PLATFORM_DB = "platform_pool_crash_it";

    @Test
    void killedInsideAClaimTheNextStartFinishesItAndThePoolIsWhole() throws Exception {
        PostgresCluster pg = TestPostgres.cluster();
        Catalog catalog = new Catalog(pg, PLATFORM_DB);
        Map<String, String> env = new HashMap<>(TestPostgres.environment());
        env.putAll(Map.of("PLATFORM_DB", PLATFORM_DB, "SERVER_PORT", Integer.toString(TestPostgres.freePort()),
                "ONBOARDING_API_TOKEN", TOKEN, "DATA_DIR", Files.createTempDirectory("onboarding-pool-crash").toString()));
        String[] jvm = {"-Donboarding.jms.embedded-port=" + TestPostgres.freePort(),
                "-Donboarding.faults.hold-points=true", "-Donboarding.operations.recovery-interval-ms=1000",
                "-Donboarding.tenant-database.pool-size=2", "-Donboarding.tenant-database.pool-refill-interval-ms=200"};
        UUID uncommitted = UUID.randomUUID();
        UUID committed = UUID.randomUUID();
        List<String> tenantObjectsBefore = tenantObjects(catalog);
        Map<UUID, String> operations = new HashMap<>();

        try (ServiceProcess first = ServiceProcess.start("pool-crash-first", env, jvm);
             Connection holder = pg.connect(PLATFORM_DB)) {
            String version = first.api().get("/api/v1/tenant-schema").body().get("current_version").asText();
            PoolDatabases.awaitReady(catalog, version, 2);
            List<Integer> keys = List.of(hold(holder, uncommitted, Phase.BEFORE), hold(holder, committed, Phase.AFTER));
            operations.put(uncommitted, post(first.api(), uncommitted));
            operations.put(committed, post(first.api(), committed));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(waitingKeys(catalog)).containsAll(keys.stream().map(Integer::toUnsignedLong).toList()));

            // Inside the claim: others see no tenant database yet; after its commit, the tenant's, unrecorded.
            assertThat(catalog.databaseExists(TenantNaming.databaseName(uncommitted))).isFalse();
            assertThat(catalog.value("postgres", "SELECT shobj_description(oid, 'pg_database') FROM pg_database"
                    + " WHERE datname = ?", TenantNaming.databaseName(committed)))
                    .isEqualTo(TenantNaming.ownerMarker(committed));
            assertThat(catalog.platform("SELECT count(*) FROM tenant_database_claims")).containsExactly("0");
            for (UUID tenantId : operations.keySet()) {
                assertThat(stepStatus(first.api().get("/api/v1/operations/" + operations.get(tenantId)).body(),
                        "create-tenant-roles")).isEqualTo("running");
            }
            first.kill();
        }

        try (ServiceProcess second = ServiceProcess.start("pool-crash-second", env, jvm)) {
            for (Map.Entry<UUID, String> operation : operations.entrySet()) {
                JsonNode finished = await().atMost(Duration.ofSeconds(90)).until(() ->
                        second.api().get("/api/v1/operations/" + operation.getValue()).body(),
                        op -> !op.get("status").asText().equals("running"));
                assertThat(finished.get("status").asText()).as(finished.toString()).isEqualTo("succeeded");
            }
            // The committed claim, never recorded, was finished the ordinary way; both are as a fresh tenant is.
            assertThat(catalog.platform("SELECT count(*) FROM tenant_database_claims WHERE tenant_id = ?", committed))
                    .containsExactly("0");
            assertThat(TenantFingerprint.of(catalog, committed)).hasSizeGreaterThan(80)
                    .isEqualTo(TenantFingerprint.of(catalog, uncommitted));

            List<String> tenantObjects = new ArrayList<>(tenantObjects(catalog));
            tenantObjects.removeAll(tenantObjectsBefore);
            List<String> expected = new ArrayList<>();
            for (UUID tenantId : operations.keySet()) {
                expected.add("database " + TenantNaming.databaseName(tenantId));
                for (TenantRole role : TenantRole.values()) {
                    expected.add("role " + TenantNaming.roleName(tenantId, role));
                }
                expected.add("role " + TenantNaming.stewardName(tenantId));
            }
            assertThat(tenantObjects).as("nothing twice, nothing orphaned").containsExactlyInAnyOrderElementsOf(expected);
            // Every pool role belongs to a pool database, each ready pool database has its four roles.
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(catalog.column("postgres",
                    "SELECT r.rolname FROM pg_roles r WHERE r.rolname LIKE 'onboarding\\_pool\\_%' AND NOT EXISTS"
                            + " (SELECT 1 FROM pg_database d WHERE r.rolname LIKE d.datname || '\\_%')")).isEmpty());
            assertThat(catalog.column("postgres", "SELECT d.datname FROM pg_database d WHERE d.datname LIKE"
                    + " 'onboarding\\_pool\\_%' AND (SELECT count(*) FROM pg_roles r WHERE r.rolname LIKE d.datname"
                    + " || '\\_%') <> 4")).isEmpty();
            assertThat(second.terminate()).isLessThan(Duration.ofSeconds(30));
        }
    }

    private static String post(ApiClient api, UUID tenantId) {
        ApiClient.Response accepted = api.post("/api/v1/tenants", """
                {"tenant_id":"%s","tenant_name":"Pool crash %s","plan":"standard","region":"local"}"""
                .formatted(tenantId, tenantId.toString().substring(0, 13)));
        assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(202);
        return accepted.body().get("operation_id").asText();
    }

    /** Holds the claim's hold point for the tenant; the key it waits on. */
    private static int hold(Connection holder, UUID tenantId, Phase phase) throws Exception {
        int key = FaultHolds.key(tenantId, TenantDatabasePool.CLAIM_HOLD_POINT, phase);
        try (PreparedStatement lock = holder.prepareStatement("SELECT pg_advisory_lock(?, ?)")) {
            lock.setInt(1, FaultHolds.NAMESPACE);
            lock.setInt(2, key);
            lock.execute();
        }
        return key;
    }

    /** The hold points some connection waits on now (pg_locks shows the int key as an unsigned oid). */
    private static List<Long> waitingKeys(Catalog catalog) {
        return catalog.platform("SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                + " AND classid = ? AND objsubid = 2 AND database = (SELECT oid FROM pg_database"
                + " WHERE datname = current_database())", FaultHolds.NAMESPACE).stream().map(Long::valueOf).toList();
    }

    private static List<String> tenantObjects(Catalog catalog) {
        List<String> objects = new ArrayList<>(catalog.column("postgres",
                "SELECT 'database ' || datname FROM pg_database WHERE datname LIKE 'tenant\\_%'"));
        objects.addAll(catalog.column("postgres", "SELECT 'role ' || rolname FROM pg_roles WHERE rolname LIKE 'tenant\\_%'"));
        return objects;
    }
}
