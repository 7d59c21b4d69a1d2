package io.onboarding.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.platform.EmbeddedPostgresServer;
import io.onboarding.platform.PostgresCluster;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.RunningService;
import io.onboarding.support.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two clusters of one region, tenants on the first; restarted with the first {@code draining}: the
 * drain job moves every tenant to the second, one at a time, rows kept, the source emptied.
 */
class ClusterDrainTest {

    private static final String PLATFORM_DB = "platform_drain_test";

    @Test
    void aDrainingClustersTenantsAllEndOnTheOpenClusterOfTheirRegionWithTheirRows() throws Exception {
        PostgresCluster first = TestPostgres.cluster();
        Path dataDir = Files.createTempDirectory("onboarding-drain");
        Path clustersFile = Files.createTempFile("clusters", ".yaml");
        try (EmbeddedPostgresServer secondServer = EmbeddedPostgresServer.start(
                Files.createTempDirectory("onboarding-test-pg-drain"), TestPostgres.freePort())) {
            PostgresCluster second = secondServer.cluster();
            String clusters = """
                    clusters:
                      - {name: dr-a, region: local, %1$s, state: %%s}
                      - {name: dr-b, region: local, %2$s}
                    """.formatted(connection(first), connection(second));
            Files.writeString(clustersFile, clusters.formatted("open"));
            Map<String, String> settings = Map.of("onboarding.clusters-file", clustersFile.toString(),
                    "onboarding.clusters.drain-initial-delay-ms", "1000", "onboarding.clusters.drain-interval-ms", "2000");
            List<UUID> tenants;
            try (RunningService service = RunningService.start(PLATFORM_DB, settings, dataDir)) {
                tenants = List.of(provision(service), provision(service));
                for (UUID tenant : tenants) {
                    assertThat(clusterOf(service.api(), tenant)).isEqualTo("dr-a");
                    new Catalog(first, PLATFORM_DB).execute(database(service.api(), tenant),
                            "INSERT INTO applications (name) VALUES ('billing'), ('crm')");
                }
            }

            Files.writeString(clustersFile, clusters.formatted("draining"));
            try (RunningService service = RunningService.start(PLATFORM_DB, settings, dataDir)) {
                ApiClient api = service.api();
                await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                        assertThat(tenants).allSatisfy(tenant -> assertThat(clusterOf(api, tenant)).isEqualTo("dr-b")));
                Catalog onSecond = new Catalog(second, PLATFORM_DB);
                Catalog onFirst = new Catalog(first, PLATFORM_DB);
                for (UUID tenant : tenants) {
                    String database = database(api, tenant);
                    assertThat(onSecond.column("postgres", "SELECT datname FROM pg_database")).contains(database);
                    assertThat(onFirst.column("postgres", "SELECT datname FROM pg_database"))
                            .as("the source copy is gone").doesNotContain(database);
                    assertThat(onSecond.value(database, "SELECT string_agg(name, ',' ORDER BY name) FROM applications"))
                            .as("rows kept").isEqualTo("billing,crm");
                    assertThat(api.get("/api/v1/tenants/" + tenant).body().get("database").get("port").asInt())
                            .isEqualTo(second.port());
                }
            }
        }
    }

    private static UUID provision(RunningService service) {
        UUID tenantId = UUID.randomUUID();
        ApiClient.Response accepted = service.api().post("/api/v1/tenants", """
                {"tenant_id":"%s","tenant_name":"D %s","plan":"free","region":"local","cluster":"dr-a"}""".formatted(
                tenantId, tenantId.toString().substring(0, 13)));
        assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(202);
        JsonNode operation = service.awaitOperation(accepted.body().get("operation_id").asText());
        assertThat(operation.get("status").asText()).as(operation.toString()).isEqualTo("succeeded");
        return UUID.fromString(accepted.body().get("tenant_id").asText());
    }

    private static String connection(PostgresCluster cluster) {
        return "host: " + cluster.host() + ", port: " + cluster.port() + ", user: " + cluster.user()
                + ", password: \"" + cluster.password() + "\"";
    }

    private static String clusterOf(ApiClient api, UUID tenantId) {
        return api.get("/api/v1/tenants/" + tenantId).body().get("cluster").asText();
    }

    private static String database(ApiClient api, UUID tenantId) {
        return api.get("/api/v1/tenants/" + tenantId).body().get("database").get("name").asText();
    }
}
