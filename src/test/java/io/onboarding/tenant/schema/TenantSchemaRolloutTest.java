package io.onboarding.tenant.schema;

import io.onboarding.tenant.TenantNaming;

import static io.onboarding.tenant.schema.EarlierTenantSchema.OTHER_APP;
import static io.onboarding.tenant.schema.EarlierTenantSchema.addDuplicateResources;
import static io.onboarding.tenant.schema.EarlierTenantSchema.startEarlierRelease;
import static io.onboarding.tenant.schema.EarlierTenantSchema.version;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.RunningService;
import io.onboarding.support.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Tenants of an earlier release (tenant schema V1) are left alone at start-up
 * (converge-at-start=false) and brought to the current version by a rollout: canary first, then the
 * others; one that cannot migrate stops it, naming the tenant, those after it untouched; a second
 * rollout after the data is fixed finishes the job.
 */
class TenantSchemaRolloutTest {

    private static final String PLATFORM_DB = "platform_schema_rollout_test";

    @Test
    void aRolloutMigratesTheFleetGoingOnPastTenantsItCannotMigrate() throws Exception {
        Path dataDir = Files.createTempDirectory("schema-rollout");
        UUID canary;
        UUID broken;
        UUID last;
        UUID tooLong;
        try (RunningService old = startEarlierRelease(PLATFORM_DB, dataDir)) {
            canary = old.activeTenant("free", null);
            broken = old.activeTenant("free", null);
            tooLong = old.activeTenant("free", null);
            last = old.activeTenant("free", null);
            // The design's UNIQUE (name, type) cannot be added: V2 fails on this tenant.
            addDuplicateResources(old.catalog(), broken);
            // The design's VARCHAR(255): V3 refuses this tenant's application name (text until then).
            old.catalog().execute(TenantNaming.databaseName(tooLong),
                    "INSERT INTO applications (name) VALUES (repeat('n', 300))");
        }

        try (RunningService current = RunningService.start(PLATFORM_DB, Map.of(
                "onboarding.tenant-schema.converge-at-start", "false",
                "onboarding.tenant-schema.rollout.canaries", "1",
                "onboarding.tenant-schema.rollout.parallelism", "1"), dataDir)) {
            ApiClient api = current.api();
            Catalog catalog = current.catalog();
            JsonNode fleet = api.get("/api/v1/tenant-schema").body();
            assertThat(fleet.get("current_version").asText()).isEqualTo("3");
            assertThat(fleet.get("tenants_by_version").get("1").asInt()).isEqualTo(4);
            assertThat(fleet.get("rollout").isNull()).isTrue();

            // The rollout is over in a few hundred ms: held at its first migration (V2's ALTER TABLE applications
            // waits for these transactions' locks), so that it surely still runs when a second one is asked for.
            List<Connection> holders = new ArrayList<>();
            String operationId;
            try {
                for (UUID tenant : List.of(canary, broken, tooLong, last)) {
                    Connection holder = TestPostgres.cluster().connect(TenantNaming.databaseName(tenant));
                    holders.add(holder);
                    holder.setAutoCommit(false);
                    try (Statement lock = holder.createStatement()) {
                        lock.execute("LOCK TABLE applications IN ACCESS SHARE MODE");
                    }
                }
                ApiClient.Response started = api.post("/api/v1/tenant-schema/rollout", "");
                assertThat(started.status()).isEqualTo(202);
                operationId = started.body().get("operation_id").asText();
                assertThat(api.post("/api/v1/tenant-schema/rollout", "").status()).isEqualTo(409);
            } finally {
                for (Connection holder : holders) {
                    holder.close(); // rolled back: the rollout goes on
                }
            }

            JsonNode failed = api.get("/api/v1/operations/" + operationId + "?wait=60").body();
            assertThat(failed.get("status").asText()).isEqualTo("failed");
            assertThat(failed.get("type").asText()).isEqualTo("schema-rollout");
            assertThat(failed.get("error").asText()).contains("2 tenant(s) not migrated")
                    .contains("tenant " + broken).contains("(name, type) pairs are used more than once")
                    .contains("tenant " + tooLong).contains("applications.name: 1 value(s) longer than 255 characters");
            // The others went on; each refused tenant stays where its last migration left it, with a warning.
            assertThat(version(catalog, canary)).isEqualTo("3");
            assertThat(version(catalog, broken)).isEqualTo("1");
            assertThat(version(catalog, tooLong)).isEqualTo("2");
            assertThat(version(catalog, last)).isEqualTo("3");
            assertThat(api.get("/api/v1/tenants/" + tooLong).body().get("warnings").toString())
                    .contains("applications.name: 1 value(s) longer than 255 characters");
            assertThat(catalog.value(TenantNaming.databaseName(tooLong), "SELECT length(name) FROM applications"))
                    .isEqualTo("300");
            fleet = api.get("/api/v1/tenant-schema").body();
            assertThat(fleet.at("/tenants_by_version/3").asInt()).isEqualTo(2);
            assertThat(fleet.at("/tenants_by_version/2").asInt()).isEqualTo(1);
            assertThat(fleet.at("/tenants_by_version/1").asInt()).isEqualTo(1);
            assertThat(fleet.at("/rollout/operation_id").asText()).isEqualTo(operationId);
            assertThat(fleet.at("/rollout/tenants/done").asInt()).isEqualTo(2);
            assertThat(fleet.at("/rollout/tenants/failed").asInt()).isEqualTo(2);

            // Fixed, and rolled out again: the rest of the fleet comes up to the current version.
            catalog.execute(TenantNaming.databaseName(broken),
                    "DELETE FROM resources WHERE application_id = '" + OTHER_APP + "'");
            catalog.execute(TenantNaming.databaseName(tooLong), "UPDATE applications SET name = left(name, 255)");
            String again = api.post("/api/v1/tenant-schema/rollout", "").body().get("operation_id").asText();
            assertThat(api.get("/api/v1/operations/" + again + "?wait=60").body().get("status").asText())
                    .isEqualTo("succeeded");
            assertThat(version(catalog, broken)).isEqualTo("3");
            assertThat(version(catalog, last)).isEqualTo("3");
            fleet = api.get("/api/v1/tenant-schema").body();
            assertThat(fleet.get("tenants_by_version").toString()).isEqualTo("{\"3\":4}");
            assertThat(fleet.at("/rollout/tenants").toString()).isEqualTo("{\"done\":2}");
            assertThat(api.get("/api/v1/operations?type=schema-rollout").body().get("items").size()).isEqualTo(2);
        }
    }

    @Test
    void aRolloutCutShortByACrashResumesWithTheTenantsNotDone() throws Exception {
        String platformDb = "platform_schema_rollout_resume_test";
        Path dataDir = Files.createTempDirectory("schema-rollout-resume");
        List<UUID> tenants = new ArrayList<>();
        try (RunningService old = startEarlierRelease(platformDb, dataDir)) {
            for (int i = 0; i < 3; i++) {
                tenants.add(old.activeTenant("free", null));
            }
        }
        // As a crash leaves it: planned, the canary done, the second tenant running, the third not started.
        UUID operationId = UUID.randomUUID();
        Catalog catalog = new Catalog(TestPostgres.cluster(), platformDb);
        catalog.execute(platformDb,
                "INSERT INTO operations (operation_id, type, status) VALUES ('" + operationId + "', 'schema-rollout', 'running')",
                "INSERT INTO operation_steps (operation_id, position, name, status) VALUES ('" + operationId
                        + "', 0, 'plan-schema-rollout', 'done'), ('" + operationId + "', 1, 'migrate-canary-tenants', 'done'),"
                        + " ('" + operationId + "', 2, 'migrate-other-tenants', 'running')",
                "INSERT INTO rollout_tenants (operation_id, tenant_id, position, canary, status) VALUES ('" + operationId
                        + "', '" + tenants.get(0) + "', 1, true, 'done'), ('" + operationId + "', '" + tenants.get(1)
                        + "', 2, false, 'running'), ('" + operationId + "', '" + tenants.get(2) + "', 3, false, 'pending')");

        try (RunningService current = RunningService.start(platformDb,
                Map.of("onboarding.tenant-schema.converge-at-start", "false"), dataDir)) {
            assertThat(current.awaitOperation(operationId.toString()).get("status").asText()).isEqualTo("succeeded");
            assertThat(version(catalog, tenants.get(0))).as("done before the crash: not migrated again").isEqualTo("1");
            assertThat(version(catalog, tenants.get(1))).isEqualTo("3");
            assertThat(version(catalog, tenants.get(2))).isEqualTo("3");
            assertThat(current.api().get("/api/v1/tenant-schema").body().at("/rollout/tenants").toString())
                    .isEqualTo("{\"done\":3}");
        }
    }
}
