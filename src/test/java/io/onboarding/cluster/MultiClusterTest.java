package io.onboarding.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.postgres.PostgresCluster;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.RunningService;
import io.onboarding.support.TestPostgres;
import io.onboarding.tenant.TenantNaming;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two real PostgreSQL clusters (the tests' one and a second embedded one) in a CLUSTERS_FILE, plus
 * one that cannot be reached: tenants land by region and headroom, on an explicitly requested
 * cluster, never on a draining one; a region without a cluster is refused; bad files stop start-up
 * naming the entry; and a tenant moves with its rows, its users' passwords and its backups, or stays
 * where it was when the move fails.
 */
class MultiClusterTest {

    private static final String PLATFORM_DB = "platform_clusters_test";
    private static TwoClusters clusters;
    private static PostgresCluster first;
    private static PostgresCluster second;
    private static RunningService service;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        clusters = TwoClusters.start(PLATFORM_DB, Map.of());
        first = clusters.first;
        second = clusters.second;
        Path passwordFile = Files.createTempFile("eu-b", ".password");
        Files.writeString(passwordFile, second.password() + "\n");
        clusters.run("""
                clusters:
                  - {name: eu-a, region: eu-west-1, %1$s, capacity: 2}
                  - {name: eu-b, region: eu-west-1, %2$s, password_file: %3$s, capacity: 3, state: open}
                  - {name: us-a, region: us-east-1, %1$s, capacity: 5}
                  - {name: us-b, region: us-east-1, %4$s, capacity: 100, state: draining}
                  - {name: sa-a, region: sa-east-1, %1$s, capacity: 3}
                  - {name: loc-a, region: local, %1$s}
                  - {name: loc-b, region: local, %4$s}
                  - {name: gone, region: local, host: 127.0.0.1, port: %5$d, user: postgres, password: x}
                """.formatted(TwoClusters.connection(first), TwoClusters.address(second), passwordFile,
                TwoClusters.connection(second), TestPostgres.freePort()));
        service = clusters.service();
        api = clusters.api();
    }

    @AfterAll
    static void stop() throws Exception {
        clusters.close();
    }

    @Test
    void tenantsLandOnTheOpenClusterOfTheirRegionWithTheMostHeadroom() {
        // eu-a holds 2, eu-b 3: eu-b (3 free), then eu-a (2 free each, fewer tenants), then eu-b (2 free against 1).
        UUID t1 = clusters.provision("eu-west-1", null);
        UUID t2 = clusters.provision("eu-west-1", null);
        UUID t3 = clusters.provision("eu-west-1", null);
        assertThat(List.of(clusters.clusterOf(t1), clusters.clusterOf(t2), clusters.clusterOf(t3)))
                .containsExactly("eu-b", "eu-a", "eu-b");
        String d1 = clusters.database(t1);
        String d2 = clusters.database(t2);
        String d3 = clusters.database(t3);
        assertThat(clusters.databasesOn(second)).contains(d1, d3).doesNotContain(d2);
        assertThat(clusters.databasesOn(first)).contains(d2).doesNotContain(d1, d3);
        JsonNode tenant = clusters.tenant(t1);
        assertThat(tenant.get("database").get("port").asInt()).as("connection details name eu-b").isEqualTo(second.port());

        // Asked for explicitly: eu-a, though eu-b has more room; then eu-a is full.
        UUID t4 = clusters.provision("eu-west-1", "eu-a");
        assertThat(clusters.clusterOf(t4)).isEqualTo("eu-a");
        assertThat(clusters.databasesOn(first)).contains(clusters.database(t4));
        ApiClient.Response full = clusters.create("eu-west-1", "eu-a");
        assertThat(full.status()).isEqualTo(409);
        assertThat(full.body().toString()).contains("\"field\":\"cluster\"").contains("full");

        ApiClient.Response otherRegion = clusters.create("eu-west-1", "us-a");
        assertThat(otherRegion.status()).isEqualTo(400);
        assertThat(otherRegion.body().toString()).contains("\"field\":\"cluster\"").contains("us-east-1");
        ApiClient.Response unknown = clusters.create("eu-west-1", "nowhere");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body().toString()).contains("\"field\":\"cluster\"");

        JsonNode clusters = api.get("/api/v1/clusters").body().get("items");
        JsonNode euA = item(clusters, "eu-a");
        assertThat(euA.get("tenants").asInt()).isEqualTo(2);
        assertThat(euA.get("capacity").asInt()).isEqualTo(2);
        assertThat(euA.get("available").asBoolean()).isTrue();
        assertThat(euA.get("connections").asInt()).isPositive();
        assertThat(item(clusters, "eu-b").get("database_size_bytes").asLong()).isPositive();
    }

    @Test
    void requestsAtOnceNeverPlaceMoreTenantsOnAClusterThanItsCapacity() throws Exception {
        // sa-a, the one cluster of sa-east-1, takes 3 tenants: of 8 requests at once, 3 are placed there.
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<ApiClient.Response>> replies = IntStream.range(0, 8)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> clusters.create("sa-east-1", null), senders))
                    .toList();
            List<ApiClient.Response> answered = replies.stream().map(CompletableFuture::join).toList();
            assertThat(answered).extracting(ApiClient.Response::status).containsOnly(202, 409)
                    .filteredOn(status -> status == 202).hasSize(3);
            assertThat(answered).filteredOn(reply -> reply.status() == 409).allSatisfy(refused ->
                    assertThat(refused.body().toString()).contains("\"field\":\"region\"").contains("sa-east-1"));
            for (ApiClient.Response accepted : answered.stream().filter(reply -> reply.status() == 202).toList()) {
                assertThat(service.awaitOperation(accepted.body().get("operation_id").asText()).get("status").asText())
                        .isEqualTo("succeeded");
            }
        } finally {
            senders.shutdownNow();
        }
        assertThat(service.catalog().platform("SELECT count(*) FROM tenants WHERE cluster = 'sa-a'")).containsExactly("3");
    }

    @Test
    void aDrainingClusterGetsNoNewTenant() {
        // us-b has far more room, but drains: every us-east-1 tenant goes to us-a.
        UUID tenantId = clusters.provision("us-east-1", null);
        assertThat(clusters.clusterOf(tenantId)).isEqualTo("us-a");
        assertThat(clusters.databasesOn(second)).doesNotContain(clusters.database(tenantId));
        ApiClient.Response asked = clusters.create("us-east-1", "us-b");
        assertThat(asked.status()).isEqualTo(409);
        assertThat(asked.body().toString()).contains("\"field\":\"cluster\"").contains("draining");
        assertThat(item(api.get("/api/v1/clusters").body().get("items"), "us-b").get("state").asText())
                .isEqualTo("draining");
    }

    @Test
    void aRegionWithoutAClusterIsRefusedNamingTheRegionAndNothingIsCreated() {
        UUID tenantId = UUID.randomUUID();
        ApiClient.Response refused = api.post("/api/v1/tenants", """
                {"tenant_id":"%s","tenant_name":"Nowhere %s","plan":"free","region":"ap-south-1"}"""
                .formatted(tenantId, tenantId.toString().substring(0, 8)));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body().toString()).contains("\"field\":\"region\"").contains("ap-south-1");
        assertThat(api.get("/api/v1/tenants/" + tenantId).status()).isEqualTo(404);
        assertThat(service.catalog().platform("SELECT count(*) FROM operations WHERE tenant_id = ?", tenantId))
                .containsExactly("0");
    }

    @Test
    void anUnreachableClusterIsShownUnavailableAndTheServiceStillRuns() {
        JsonNode gone = item(api.get("/api/v1/clusters").body().get("items"), "gone");
        assertThat(gone.get("available").asBoolean()).isFalse();
        assertThat(gone.get("connections").isNull()).isTrue();
        assertThat(api.get("/observe/health").status()).isEqualTo(200);
        JsonNode defaultCluster = item(api.get("/api/v1/clusters").body().get("items"), "default");
        assertThat(defaultCluster.get("state").asText()).as("PG* keeps the control plane, closed to new tenants")
                .isEqualTo("closed");
    }

    @Test
    void invalidClustersFilesStopStartUpNamingTheEntry() throws Exception {
        String valid = "  - {name: eu-1, region: eu-west-1, " + TwoClusters.address(first) + "}\n";
        assertRefused("clusters:\n" + valid + "  - {name: eu-2, region: eu-west-1, host: h, port: 70000}\n",
                "clusters[1] (eu-2): port must be 1-65535");
        assertRefused("clusters:\n" + valid + "  - {name: eu-2, region: eu-west-1, host: h, colour: blue}\n",
                "clusters[1] (eu-2): unknown key colour");
        assertRefused("clusters:\n" + valid + valid, "clusters[1] (eu-1): name eu-1 is used by an earlier entry");
        assertRefused("clusters:\n" + valid + "  - {name: eu-2, region: eu-west-1, host: h, state: shut}\n",
                "clusters[1] (eu-2): state must be one of open, draining, closed");
    }

    @Test
    void aClusterTakenOutOfTheFileWhileTenantsLiveThereStopsTheStartNamingItAndItsTenants() throws Exception {
        clusters.provision("local", "loc-b");
        long onLocB = Long.parseLong(clusters.on(first).platform("SELECT count(*) FROM tenants WHERE cluster = 'loc-b'"
                + " AND status NOT IN ('destroyed', 'failed')").get(0));
        // A second instance on the same control plane, with a file that no longer names loc-b.
        Path file = Files.createTempFile("clusters-without-loc-b", ".yaml");
        Files.writeString(file, "clusters:\n  - {name: loc-a, region: local, " + TwoClusters.connection(first) + "}\n");
        assertThatThrownBy(() -> RunningService.start(PLATFORM_DB, clusters.settings(file)).close())
                .hasStackTraceContaining("CLUSTERS_FILE does not name every cluster tenants live on: ")
                .hasStackTraceContaining("cluster loc-b holds " + onLocB + " tenant(s)")
                .hasStackTraceContaining("Put the cluster back in the file");
        Files.delete(file);
        // The running instance is untouched: its tenants there answer as before.
        assertThat(api.get("/api/v1/tenants?limit=100").status()).isEqualTo(200);
    }

    private static void assertRefused(String yaml, String message) throws Exception {
        Path file = Files.createTempFile("clusters-bad", ".yaml");
        Files.writeString(file, yaml);
        assertThatThrownBy(() -> RunningService.start(PLATFORM_DB + "_bad", clusters.settings(file)).close())
                .hasStackTraceContaining(message);
    }

    @Test
    void aMovedTenantKeepsItsRowsItsUsersPasswordsAndItsBackups() throws Exception {
        UUID tenantId = clusters.provision("local", "loc-a");
        String database = clusters.database(tenantId);
        clusters.on(first).execute(database, "INSERT INTO applications (name, team, created_by) VALUES ('billing', 'core', 'ops'), ('crm', 'core', 'ops')");
        JsonNode credentials = clusters.inviteAndAccept(tenantId);
        clusters.login(first, credentials).close();

        JsonNode moved = clusters.move(tenantId, "loc-b");
        assertThat(moved.get("status").asText()).as(moved.toString()).isEqualTo("succeeded");
        assertThat(clusters.clusterOf(tenantId)).isEqualTo("loc-b");
        assertThat(clusters.portOf(tenantId))
                .isEqualTo(second.port());
        assertThat(clusters.databasesOn(second)).contains(database);
        assertThat(clusters.databasesOn(first)).as("the source copy is gone").doesNotContain(database);
        assertThat(clusters.on(first).roleExists(credentials.get("username").asText())).isFalse();
        try (Connection connection = clusters.login(second, credentials); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT string_agg(name, ',' ORDER BY name) FROM applications")) {
            rs.next();
            assertThat(rs.getString(1)).as("rows kept, read with the same password").isEqualTo("billing,crm");
        }

        JsonNode backup = service.awaitOperation(api.post("/api/v1/tenants/" + tenantId + "/backups", "")
                .body().get("operation_id").asText());
        assertThat(backup.get("status").asText()).as(backup.toString()).isEqualTo("succeeded");
        String backupId = api.get("/api/v1/tenants/" + tenantId + "/backups").body().get("items").get(0)
                .get("backup_id").asText();
        JsonNode restore = service.awaitOperation(api.post("/api/v1/tenants/" + tenantId + "/restore",
                "{\"backup_id\":\"" + backupId + "\",\"target_database\":\"" + database + "_copy\"}")
                .body().get("operation_id").asText());
        assertThat(restore.get("status").asText()).as(restore.toString()).isEqualTo("succeeded");
        assertThat(clusters.on(second).value(database + "_copy", "SELECT count(*) FROM applications"))
                .isEqualTo("2");
    }

    @Test
    void aMoveFailingHalfwayLeavesTheTenantWorkingOnItsSource() throws Exception {
        UUID tenantId = clusters.provision("local", "loc-a");
        String database = clusters.database(tenantId);
        JsonNode credentials = clusters.inviteAndAccept(tenantId);
        // The target refuses: a database of the tenant's name, someone else's, is there already.
        clusters.takeDatabaseName(second, database);

        JsonNode failed = clusters.move(tenantId, "loc-b");
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.get("compensated").asBoolean()).as(failed.toString()).isTrue();
        assertThat(failed.get("error").asText()).contains("does not belong to tenant");
        assertThat(clusters.clusterOf(tenantId)).isEqualTo("loc-a");
        try (Connection connection = clusters.login(first, credentials); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM applications")) {
            assertThat(rs.next()).as("the users log in on the source again").isTrue();
        }
        Catalog target = clusters.on(second);
        assertThat(target.roleExists(credentials.get("username").asText())).as("the target's copies undone").isFalse();
        assertThat(clusters.foreignDatabaseUntouched(second, database)).as("the foreign database untouched").isTrue();
        assertThat(clusters.portOf(tenantId))
                .isEqualTo(first.port());
    }

    @Test
    void aMoveIsRefusedToADrainingOrUnknownClusterOrAnotherRegion() {
        UUID tenantId = clusters.provision("us-east-1", null);
        assertMoveRefused(tenantId, "us-b", 409, "draining");
        assertMoveRefused(tenantId, "eu-a", 400, "eu-west-1");
        assertMoveRefused(tenantId, "nowhere", 400, "not a configured cluster");
        assertMoveRefused(tenantId, "us-a", 409, "already");
    }

    @Test
    void reconciliationReadsEveryClusterAndNamesTheClusterOfEachFinding() {
        UUID ghost = UUID.randomUUID();
        String ghostDatabase = TenantNaming.databaseName(ghost);
        clusters.on(second).execute("postgres", "CREATE DATABASE " + ghostDatabase,
                "COMMENT ON DATABASE " + ghostDatabase + " IS '" + TenantNaming.ownerMarker(ghost) + "'");

        JsonNode body = api.get("/api/v1/reconcile").body();
        List<String> orphans = new java.util.ArrayList<>();
        body.get("orphans").forEach(finding -> {
            if (finding.get("name").asText().equals(ghostDatabase)) {
                orphans.add(finding.get("kind").asText() + " " + finding.path("cluster").asText());
            }
        });
        // eu-b, us-b and loc-b are one server: read once, reported under the first name.
        assertThat(orphans).as(body.toString()).containsExactly("database eu-b");
        body.get("missing").forEach(finding -> assertThat(finding.get("kind").asText())
                .as("every live tenant's database and roles found on its own cluster: " + finding).isNotIn("database", "role"));
    }

    private static void assertMoveRefused(UUID tenantId, String cluster, int status, String message) {
        ApiClient.Response refused = api.post("/api/v1/tenants/" + tenantId + "/move", "{\"cluster\":\"" + cluster + "\"}");
        assertThat(refused.status()).as(refused.body().toString()).isEqualTo(status);
        assertThat(refused.body().toString()).contains("\"field\":\"cluster\"").contains(message);
    }

    private static JsonNode item(JsonNode items, String name) {
        for (JsonNode item : items) {
            if (name.equals(item.get("name").asText())) {
                return item;
            }
        }
        throw new AssertionError("no cluster " + name + " in " + items);
    }
}
