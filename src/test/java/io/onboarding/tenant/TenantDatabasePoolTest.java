package io.onboarding.tenant;

import static io.onboarding.tenant.PoolDatabases.awaitReady;
import static io.onboarding.tenant.PoolDatabases.stepStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.git.GitNaming;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.RunningService;
import io.onboarding.support.SecretsSeen;
import io.onboarding.support.TenantLeftovers;
import io.onboarding.support.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The warm pool of tenant databases (docs/pool.md) through the front door, with a pool of one: a claimed
 * tenant's catalog is exactly a fresh one's; an emptied pool, or a pool database that cannot be claimed, falls
 * back to the ordinary path; pool databases
 * cannot be reached by a tenant's login and are in no listing or reconciliation; a failed onboarding undoes its
 * claim; what a crashed refill left half-made is cleaned and a look-alike left alone.
 */
class TenantDatabasePoolTest {

    private static final String PLATFORM_DB = "platform_pool_test";
    private static RunningService service;
    private static ApiClient api;
    private static Catalog catalog;
    private static Path gitRoot;
    private static String version;

    @BeforeAll
    static void start() throws Exception {
        Path dataDir = Files.createTempDirectory("onboarding-pool");
        gitRoot = dataDir.resolve("git");
        service = RunningService.start(PLATFORM_DB, Map.of("onboarding.tenant-database.pool-size", "1",
                "onboarding.tenant-database.pool-refill-interval-ms", "200"), dataDir);
        api = service.api();
        catalog = service.catalog();
        version = api.get("/api/v1/tenant-schema").body().get("current_version").asText();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static JsonNode provision(UUID tenantId) {
        return service.provision("""
                {"tenant_id":"%s","tenant_name":"Pool %s","plan":"standard","region":"local"}"""
                .formatted(tenantId, tenantId.toString().substring(0, 13)));
    }

    private static double metric(String name) {
        return api.metric(name + "{cluster=\"default\"}");
    }

    /** Ready pool databases of this release's schema version. */
    private static List<String> ready() {
        return PoolDatabases.ready(catalog, version);
    }

    private static List<String> awaitReady() {
        return PoolDatabases.awaitReady(catalog, version, 1);
    }

    @Test
    void aClaimedDatabaseIsExactlyAFreshTenantsAndAnEmptiedPoolFallsBackToTheOrdinaryPath() throws Exception {
        String pooled = awaitReady().get(0);
        double hits = metric("onboarding_tenant_database_pool_hits_total");
        double misses = metric("onboarding_tenant_database_pool_misses_total");
        UUID claimed = UUID.randomUUID();
        UUID fresh = UUID.randomUUID();
        try (Connection refill = PoolDatabases.holdRefill(TestPostgres.cluster())) {
            // No refill meanwhile: the first tenant takes the only pool database, the second finds none.
            List<String> before = ready();
            assertThat(before).as("a pool of one").containsExactly(pooled);
            JsonNode first = provision(claimed);
            assertThat(first.get("status").asText()).as(first.toString()).isEqualTo("succeeded");
            assertThat(stepStatus(first, "create-tenant-database")).isEqualTo("skipped: " + TenantDatabasePool.MADE_IN_POOL);
            assertThat(stepStatus(first, "grant-tenant-privileges"))
                    .isEqualTo("skipped: " + TenantDatabasePool.GRANTED_IN_POOL);
            assertThat(ready()).as("emptied").isEmpty();
            assertThat(catalog.platform("SELECT pool_database FROM tenant_database_claims WHERE tenant_id = ?",
                    claimed)).containsExactly(pooled);
            assertThat(catalog.databaseExists(pooled)).as("renamed, not copied").isFalse();

            JsonNode second = provision(fresh);
            assertThat(second.get("status").asText()).as(second.toString()).isEqualTo("succeeded");
            assertThat(stepStatus(second, "create-tenant-database")).isEqualTo("done");
            assertThat(stepStatus(second, "grant-tenant-privileges")).isEqualTo("done");
            assertThat(catalog.platform("SELECT count(*) FROM tenant_database_claims WHERE tenant_id = ?", fresh))
                    .containsExactly("0");
        }
        List<String> claimedCatalog = TenantFingerprint.of(catalog, claimed);
        assertThat(claimedCatalog).as("a catalog worth comparing")
                .contains("database acl tenant_<hex>_app_manager CONNECT false by onboarding_database_owner")
                .anyMatch(line -> line.startsWith("relation acl applications tenant_<hex>_developer SELECT by"
                        + " tenant_<hex>_admin"))
                .anyMatch(line -> line.startsWith("database UTF8 ") && line.contains(" allowconn true connlimit 20 ")
                        && line.endsWith(" comment tenant-onboarding tenant <tenant id>"))
                .anyMatch(line -> line.startsWith("role tenant_<hex>_steward ") && line.contains(" login false "))
                .hasSizeGreaterThan(80);
        assertThat(claimedCatalog).isEqualTo(TenantFingerprint.of(catalog, fresh));
        assertThat(api.get("/api/v1/tenants/" + claimed).body().get("database"))
                .isEqualTo(((com.fasterxml.jackson.databind.node.ObjectNode) api.get("/api/v1/tenants/" + fresh).body()
                        .get("database")).put("name", TenantNaming.databaseName(claimed)));
        assertThat(catalog.platform("SELECT schema_version || ' ' || collation_name || ' ' || collation_provider"
                + " FROM tenants WHERE tenant_id = ?", claimed))
                .isEqualTo(catalog.platform("SELECT schema_version || ' ' || collation_name || ' ' || collation_provider"
                        + " FROM tenants WHERE tenant_id = ?", fresh));

        assertThat(metric("onboarding_tenant_database_pool_hits_total")).isEqualTo(hits + 1);
        assertThat(metric("onboarding_tenant_database_pool_misses_total")).isEqualTo(misses + 1);
        // The refill lets go: the pool is full again, and its gauge says so.
        awaitReady();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                metric("onboarding_tenant_database_pool_size") == 1.0);
    }

    @Test
    void aPoolDatabaseThatCannotBeClaimedIsPassedOverAndTheOrdinaryPathTaken() throws Exception {
        String pooled = awaitReady().get(0);
        UUID tenantId = UUID.randomUUID();
        try (Connection refill = PoolDatabases.holdRefill(TestPostgres.cluster())) {
            // A session inside it (a superuser opened it): PostgreSQL refuses to rename a database in use.
            catalog.execute("postgres", "ALTER DATABASE " + pooled + " ALLOW_CONNECTIONS true");
            try (Connection inside = TestPostgres.cluster().connect(pooled)) {
                catalog.execute("postgres", "ALTER DATABASE " + pooled + " ALLOW_CONNECTIONS false");
                JsonNode operation = provision(tenantId);
                assertThat(operation.get("status").asText()).as(operation.toString()).isEqualTo("succeeded");
                assertThat(stepStatus(operation, "create-tenant-database")).isEqualTo("done");
            }
            assertThat(ready()).as("left in the pool").contains(pooled);
        }
        assertThat(TenantFingerprint.of(catalog, tenantId)).anyMatch(line ->
                line.startsWith("database UTF8 ") && line.contains(" allowconn true connlimit 20 "));
    }

    @Test
    void poolDatabasesAreClosedToEveryTenantLoginAndHaveNoLoginOfTheirOwn() throws Exception {
        UUID tenantId = service.activeTenant("standard", null);
        JsonNode user = invitedAdmin(tenantId);
        String login = user.get("username").asText();
        String password = user.get("password").asText();
        String pooled = awaitReady().get(0);

        assertThat(catalog.value("postgres", "SELECT datallowconn || ' ' || datconnlimit || ' '"
                + " || pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?", pooled))
                .isEqualTo("false 0 onboarding_database_owner");
        assertThat(catalog.column("postgres", "SELECT a.grantee FROM pg_database d, aclexplode(d.datacl) a"
                + " WHERE d.datname = ? AND a.grantee = 0", pooled)).as("nothing for PUBLIC").isEmpty();
        assertThat(catalog.column("postgres", "SELECT rolname || ' ' || rolcanlogin || ' ' || (rolpassword IS NULL)"
                + " FROM pg_authid WHERE rolname LIKE ? || '\\_%'", pooled.replace("_", "\\_")))
                .hasSize(4).allMatch(line -> line.endsWith(" false true"));
        assertThatThrownBy(() -> catalog.login(pooled, login, password).close())
                .hasMessageContaining("not currently accepting connections");
        try (Connection own = catalog.login(TenantNaming.databaseName(tenantId), login, password);
             Statement statement = own.createStatement()) {
            assertThatThrownBy(() -> statement.execute("SET ROLE " + pooled + "_admin"))
                    .hasMessageContaining("permission denied to set role");
            for (String change : List.of("ALTER DATABASE " + pooled + " ALLOW_CONNECTIONS true",
                    "ALTER DATABASE " + pooled + " RENAME TO mine", "DROP DATABASE " + pooled)) {
                assertThatThrownBy(() -> statement.execute(change)).as(change).hasMessageContaining("must be owner");
            }
        }
        assertThat(ready()).contains(pooled);
    }

    @Test
    void poolObjectsAreInNoListingNorAmongTheOrphans() {
        UUID tenantId = service.activeTenant("free", null);
        String pooled = awaitReady().get(0);
        assertThat(api.get("/api/v1/tenants?limit=100").body().toString()).contains(tenantId.toString())
                .doesNotContain("onboarding_pool_");
        JsonNode reconciled = api.get("/api/v1/reconcile").body();
        assertThat(reconciled.has("orphans")).as(reconciled.toString()).isTrue();
        assertThat(reconciled.toString()).doesNotContain(pooled).doesNotContain("onboarding_pool_");
        assertThat(api.get("/observe/metrics").raw().body()).doesNotContain(pooled);
    }

    @Test
    void aFailedOnboardingUndoesItsClaimDatabaseRolesAndSteward() throws Exception {
        UUID tenantId = UUID.randomUUID();
        // A repository of that name that is not the tenant's: the Git step fails, after the claim.
        Git.init().setBare(true).setDirectory(gitRoot.resolve(GitNaming.repositoryName(tenantId) + ".git").toFile())
                .call().close();
        awaitReady();
        JsonNode operation = provision(tenantId);
        assertThat(operation.get("status").asText()).as(operation.toString()).isEqualTo("failed");
        assertThat(operation.get("compensated").asBoolean()).isTrue();
        assertThat(catalog.platform("SELECT count(*) FROM tenant_database_claims WHERE tenant_id = ?", tenantId))
                .as("it was claimed").containsExactly("1");
        assertThat(new TenantLeftovers(catalog, gitRoot).of(tenantId))
                .containsExactly("git repository " + GitNaming.repositoryName(tenantId));
    }

    @Test
    void aRefillDropsWhatACrashLeftHalfMadeAndLeavesALookAlikeAlone() throws Exception {
        PooledDatabase halfMade = PooledDatabase.fresh();
        PooledDatabase rolesOnly = PooledDatabase.fresh();
        PooledDatabase unmarked = PooledDatabase.fresh();
        String lookAlike = PooledDatabase.fresh().name();
        try {
            // As a refill cut short would leave them (it makes them under its lock, so none is seen half-written).
            try (Connection refill = PoolDatabases.holdRefill(TestPostgres.cluster())) {
                leaveHalfMade(halfMade, rolesOnly, unmarked, lookAlike);
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(PoolDatabases.everything(catalog)).noneMatch(line -> line.contains(halfMade.name())
                            || line.contains(rolesOnly.name()) || line.contains(unmarked.name())));
            assertThat(catalog.databaseExists(lookAlike)).as("not the pool's: no marker, no roles of the pool").isTrue();
        } finally {
            catalog.execute("postgres", "DROP DATABASE IF EXISTS " + lookAlike);
        }
    }

    private static void leaveHalfMade(PooledDatabase halfMade, PooledDatabase rolesOnly, PooledDatabase unmarked,
                                      String lookAlike) {
        for (PooledDatabase pooled : List.of(halfMade, rolesOnly, unmarked)) {
            for (TenantRole role : TenantRole.values()) {
                catalog.execute("postgres", "CREATE ROLE " + pooled.roleName(role) + " NOLOGIN",
                        "COMMENT ON ROLE " + pooled.roleName(role) + " IS '" + pooled.roleMarker() + "'");
            }
        }
        catalog.execute("postgres", "CREATE DATABASE " + halfMade.name() + " ALLOW_CONNECTIONS false",
                "COMMENT ON DATABASE " + halfMade.name() + " IS '" + PooledDatabase.BEING_MADE + "'",
                "CREATE DATABASE " + unmarked.name() + " ALLOW_CONNECTIONS false",
                "CREATE DATABASE " + lookAlike);
    }

    /** A tenant_admin user invited through the API, its credentials from its one-time link (no mail server). */
    private static JsonNode invitedAdmin(UUID tenantId) {
        ApiClient.Response invited = api.post("/api/v1/tenants/" + tenantId + "/users",
                "{\"email\":\"admin-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test\","
                        + "\"role\":\"tenant_admin\"}");
        assertThat(invited.status()).as(invited.body().toString()).isEqualTo(201);
        ApiClient.Response link = api.post("/api/v1/tenants/" + tenantId + "/users/"
                + invited.body().get("user_id").asText() + "/invitation-link", "");
        assertThat(link.status()).as(link.body().toString()).isEqualTo(200);
        String url = link.body().get("invitation_url").asText();
        SecretsSeen.record(url.substring(url.lastIndexOf('/') + 1));
        ApiClient.Response accepted = api.postUrl(url.replace("http://onboarding.test", "http://localhost:"
                + service.port()) + "/accept");
        assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(200);
        SecretsSeen.record(accepted.body().get("password").asText());
        return accepted.body();
    }
}
