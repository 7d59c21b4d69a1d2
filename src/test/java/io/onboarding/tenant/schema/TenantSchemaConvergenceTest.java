package io.onboarding.tenant.schema;

import io.onboarding.tenant.TenantNaming;

import static io.onboarding.tenant.schema.EarlierTenantSchema.APP;
import static io.onboarding.tenant.schema.EarlierTenantSchema.addDuplicateResources;
import static io.onboarding.tenant.schema.EarlierTenantSchema.mark;
import static io.onboarding.tenant.schema.EarlierTenantSchema.startEarlierRelease;
import static io.onboarding.tenant.schema.EarlierTenantSchema.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.Catalog;
import io.onboarding.support.RunningService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Tenants provisioned by an earlier release (tenant schema V1, built here with
 * onboarding.tenant-schema.target=1) converge on the design's schema when the service starts again,
 * keeping their rows; a suspended one when it is resumed; one that cannot migrate gets a warning.
 */
class TenantSchemaConvergenceTest {

    private static final String PLATFORM_DB = "platform_schema_convergence_test";

    @Test
    void earlierTenantsConvergeAtStartKeepingTheirRows() throws Exception {
        Path dataDir = Files.createTempDirectory("schema-convergence");
        UUID active;
        UUID suspended;
        UUID duplicates;
        try (RunningService old = startEarlierRelease(PLATFORM_DB, dataDir)) {
            Catalog catalog = old.catalog();
            active = old.activeTenant("standard", null);
            suspended = old.activeTenant("free", null);
            duplicates = old.activeTenant("free", null);
            assertThat(version(catalog, active)).isEqualTo("1");
            catalog.execute(TenantNaming.databaseName(active),
                    "INSERT INTO applications (id, name) VALUES ('" + APP + "', 'billing')",
                    "INSERT INTO resources (application_id, resource_type, name, configuration)"
                            + " VALUES ('" + APP + "', 'postgres', 'main-db', '{\"size\":\"s\"}')",
                    "INSERT INTO deployments (application_id, version, environment, status, deployed_by, deployed_at)"
                            + " VALUES ('" + APP + "', '1.4.2', 'prod', 'done', 'alice', '2024-05-01 10:00:00+00')",
                    "INSERT INTO user_activity (user_name, action, occurred_at)"
                            + " VALUES ('bob', 'login', '2024-05-02 08:30:00+00')");
            addDuplicateResources(catalog, duplicates);
            // A backup taken at version 1, restored in place once the tenant is at the current version.
            JsonNode backup = old.awaitOperation(old.api().post("/api/v1/tenants/" + active + "/backups", "")
                    .body().get("operation_id").asText());
            assertThat(backup.get("status").asText()).as(backup.toString()).isEqualTo("succeeded");
            JsonNode suspend = old.awaitOperation(old.api().post("/api/v1/tenants/" + suspended + "/suspend",
                    "{\"reason\":\"unpaid\"}").body().get("operation_id").asText());
            assertThat(suspend.get("status").asText()).isEqualTo("succeeded");
        }

        // A tenant made at version 2 (the V1 ones stay at 1: no convergence), with rows in every table, the
        // design's columns of V2 left empty where V2 allowed it and the old ones filled.
        UUID second;
        try (RunningService v2 = RunningService.start(PLATFORM_DB, Map.of("onboarding.tenant-schema.target", "2",
                "onboarding.tenant-schema.converge-at-start", "false"), dataDir)) {
            second = v2.activeTenant("standard", null);
            assertThat(version(v2.catalog(), second)).isEqualTo("2");
            v2.catalog().execute(TenantNaming.databaseName(second),
                    "INSERT INTO applications (id, name, team) VALUES ('" + APP + "', 'crm', 'sales')",
                    "INSERT INTO resources (application_id, type, name, configuration, provider_resource_id)"
                            + " VALUES ('" + APP + "', 'redis', 'cache', '{\"tier\":\"m\"}', 'r-1')",
                    "INSERT INTO deployments (application_id, version, environment, status, deployed_by)"
                            + " VALUES ('" + APP + "', '2.0.0', 'staging', 'running', 'carol')",
                    "INSERT INTO deployments (application_id, version, environment, status)"
                            + " VALUES ('" + APP + "', '2.0.1', 'staging', 'pending')",
                    "INSERT INTO user_activity (user_id, action, ip_address) VALUES ('dave', 'deploy', '10.1.2.3')");
        }

        try (RunningService current = RunningService.start(PLATFORM_DB, Map.of(), dataDir)) {
            Catalog catalog = current.catalog();
            await().atMost(Duration.ofSeconds(60)).until(() -> "3".equals(version(catalog, active)));
            await().atMost(Duration.ofSeconds(60)).until(() -> "3".equals(version(catalog, second)));
            String fromV2 = TenantNaming.databaseName(second);
            assertThat(DesignSchema.of(catalog, fromV2)).containsExactlyElementsOf(TenantSchemaTest.design(catalog));
            assertThat(catalog.value(fromV2, "SELECT concat_ws(' ', name, team, created_by, status) FROM applications"))
                    .isEqualTo("crm sales unknown active");
            assertThat(catalog.value(fromV2, "SELECT concat_ws(' ', name, type, desired_config->>'tier',"
                    + " provider_resource_id) FROM resources")).isEqualTo("cache redis m r-1");
            assertThat(catalog.column(fromV2, "SELECT concat_ws(' ', version, triggered_by, status,"
                    + " metadata->>'environment', started_at IS NOT NULL) FROM deployments ORDER BY version"))
                    .containsExactly("2.0.0 carol running staging t", "2.0.1 unknown pending staging t");
            assertThat(catalog.value(fromV2, "SELECT concat_ws(' ', user_id, action, host(ip_address),"
                    + " created_at IS NOT NULL) FROM user_activity")).isEqualTo("dave deploy 10.1.2.3 t");
            String database = TenantNaming.databaseName(active);
            assertThat(DesignSchema.of(catalog, database)).containsExactlyElementsOf(TenantSchemaTest.design(catalog));
            // The rows are kept, the old columns' values in the design's, the documented fill values applied.
            assertThat(catalog.value(database, "SELECT concat_ws(' ', name, team, created_by, status) FROM applications"))
                    .isEqualTo("billing unassigned unknown active");
            assertThat(catalog.value(database, "SELECT concat_ws(' ', name, type, status, desired_config->>'size',"
                    + " actual_config, updated_at = created_at) FROM resources")).isEqualTo("main-db postgres pending s {} t");
            assertThat(catalog.value(database, "SELECT concat_ws(' ', version, triggered_by, status,"
                    + " to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), metadata->>'environment')"
                    + " FROM deployments")).isEqualTo("1.4.2 alice done 2024-05-01 10:00 prod");
            assertThat(catalog.value(database, "SELECT concat_ws(' ', user_id, action,"
                    + " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')) FROM user_activity"))
                    .isEqualTo("bob login 2024-05-02 08:30");

            // The one with duplicates stays as it was, rows and all, with a warning saying why.
            await().atMost(Duration.ofSeconds(60)).until(() -> warnings(current, duplicates).stream()
                    .anyMatch(w -> w.startsWith("schema: ")));
            assertThat(warnings(current, duplicates).toString()).contains("(name, type) pairs are used more than once");
            assertThat(version(catalog, duplicates)).isEqualTo("1");
            assertThat(catalog.value(TenantNaming.databaseName(duplicates), "SELECT count(*) FROM resources"))
                    .isEqualTo("2");

            // The suspended tenant's database is closed (to us too): skipped at start, migrated when resumed.
            JsonNode resume = current.awaitOperation(current.api().post("/api/v1/tenants/" + suspended + "/resume", "")
                    .body().get("operation_id").asText());
            List<String> steps = new ArrayList<>();
            resume.get("steps").forEach(step -> steps.add(step.get("name").asText() + ":" + step.get("status").asText()));
            assertThat(steps).contains("migrate-resumed-tenant-schema:done");
            assertThat(version(catalog, suspended)).isEqualTo("3");
            assertThat(mark(catalog, suspended)).isEqualTo("tenant-onboarding schema version 3");
            assertThat(warnings(current, active)).noneMatch(w -> w.startsWith("schema"));

            // The version-1 backup restored in place: the control plane takes the backup's version, and the
            // restored database is migrated from it to the design's schema, its rows kept.
            String backupId = current.api().get("/api/v1/tenants/" + active + "/backups").body().get("items")
                    .get(0).get("backup_id").asText();
            JsonNode restored = current.awaitOperation(current.api().post("/api/v1/tenants/" + active + "/restore",
                    "{\"backup_id\":\"" + backupId + "\",\"target_database\":\"" + database + "\"}")
                    .body().get("operation_id").asText());
            assertThat(restored.get("status").asText()).as(restored.toString()).isEqualTo("succeeded");
            assertThat(restored.toString()).contains("\"name\":\"migrate-restored-tenant-schema\",\"status\":\"done\"");
            assertThat(version(catalog, active)).isEqualTo("3");
            assertThat(DesignSchema.of(catalog, database)).containsExactlyElementsOf(TenantSchemaTest.design(catalog));
            assertThat(catalog.value(database, "SELECT concat_ws(' ', name, type, desired_config->>'size') FROM resources"))
                    .isEqualTo("main-db postgres s");
        }
    }

    private static List<String> warnings(RunningService service, UUID tenantId) {
        List<String> warnings = new ArrayList<>();
        service.api().get("/api/v1/tenants/" + tenantId).body().get("warnings").forEach(w -> warnings.add(w.asText()));
        return warnings;
    }
}
