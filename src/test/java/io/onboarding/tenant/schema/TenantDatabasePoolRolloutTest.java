package io.onboarding.tenant.schema;

import static io.onboarding.tenant.PoolDatabases.stepStatus;
import static io.onboarding.tenant.schema.EarlierTenantSchema.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.Catalog;
import io.onboarding.support.RunningService;
import io.onboarding.tenant.PoolDatabases;
import io.onboarding.tenant.TenantDatabasePool;
import io.onboarding.tenant.TenantNaming;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A release with a new tenant schema rebuilds the pool: the earlier release's pool databases (schema V1) are
 * dropped, never claimed, and new ones made from the new template; a tenant claimed from each is at its
 * release's schema.
 */
class TenantDatabasePoolRolloutTest {

    private static final String PLATFORM_DB = "platform_pool_rollout_test";
    private static final Map<String, String> POOL = Map.of("onboarding.tenant-database.pool-size", "1",
            "onboarding.tenant-database.pool-refill-interval-ms", "200");

    @Test
    void aNewSchemaVersionDropsThePoolOfTheEarlierOneAndMakesItAgain() throws Exception {
        Path dataDir = Files.createTempDirectory("onboarding-pool-rollout");
        Map<String, String> earlier = new java.util.HashMap<>(POOL);
        earlier.put("onboarding.tenant-schema.target", "1");
        UUID old = UUID.randomUUID();
        List<String> earlierPool;
        try (RunningService service = RunningService.start(PLATFORM_DB, earlier, dataDir)) {
            Catalog catalog = service.catalog();
            PoolDatabases.awaitReady(catalog, "1", 1);
            JsonNode operation = claimed(service, old);
            assertThat(version(catalog, old)).isEqualTo("1");
            assertThat(catalog.column(TenantNaming.databaseName(old), "SELECT column_name FROM information_schema.columns"
                    + " WHERE table_name = 'resources'")).as(operation.toString()).contains("resource_type");
            earlierPool = PoolDatabases.awaitReady(catalog, "1", 1);
        }

        try (RunningService service = RunningService.start(PLATFORM_DB, POOL, dataDir)) {
            Catalog catalog = service.catalog();
            String current = service.api().get("/api/v1/tenant-schema").body().get("current_version").asText();
            assertThat(current).isNotEqualTo("1");
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(PoolDatabases.ready(catalog, "1")).as("the earlier release's pool").isEmpty();
                assertThat(PoolDatabases.ready(catalog, current)).hasSize(1);
            });
            earlierPool.forEach(name -> assertThat(catalog.databaseExists(name)).as(name).isFalse());
            assertThat(PoolDatabases.everything(catalog)).noneMatch(line -> earlierPool.stream().anyMatch(line::contains));

            UUID fresh = UUID.randomUUID();
            claimed(service, fresh);
            assertThat(version(catalog, fresh)).isEqualTo(current);
            assertThat(DesignSchema.of(catalog, TenantNaming.databaseName(fresh)))
                    .isEqualTo(TenantSchemaTest.design(catalog));
        }
    }

    /** Provisions the tenant and checks that it claimed its database from the pool. */
    private static JsonNode claimed(RunningService service, UUID tenantId) {
        JsonNode operation = service.provision("""
                {"tenant_id":"%s","tenant_name":"Rollout %s","plan":"standard","region":"local"}"""
                .formatted(tenantId, tenantId.toString().substring(0, 13)));
        assertThat(operation.get("status").asText()).as(operation.toString()).isEqualTo("succeeded");
        assertThat(stepStatus(operation, "create-tenant-database")).isEqualTo("skipped: " + TenantDatabasePool.MADE_IN_POOL);
        return operation;
    }
}
