package io.onboarding.tenant.schema;

import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantRole;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.RunningService;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The design's tenant schema on a new tenant, and the database's collation, seen in pg_catalog and the API. */
class TenantSchemaTest {

    private static RunningService service;
    private static ApiClient api;
    private static Catalog catalog;

    @BeforeAll
    static void start() throws Exception {
        // The free plan configured with another collation: "C", which every server has from libc.
        service = RunningService.start("platform_schema_test", Map.of("onboarding.plan.free.collation", "C"));
        api = service.api();
        catalog = service.catalog();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    /** The design's schema, built from its own SQL in a database of its own: what every tenant's must equal. */
    static List<String> design(Catalog catalog) {
        return DesignSchema.of(catalog, DesignSchema.build(catalog));
    }

    @Test
    void aNewTenantHasTheDesignSchemaExactly() throws Exception {
        UUID tenantId = service.activeTenant("standard", null);
        String database = TenantNaming.databaseName(tenantId);
        // Columns, types, nullability, defaults, index definitions, constraints, triggers, functions:
        // the design's and nothing else (no history table, trigger or function of the platform's).
        assertThat(DesignSchema.of(catalog, database)).containsExactlyElementsOf(design(catalog));

        // A developer's login records its activity in the design's columns.
        String login = "dev_" + tenantId.toString().replace("-", "").substring(0, 12);
        String password = UUID.randomUUID().toString();
        catalog.execute("postgres", "CREATE ROLE " + login + " LOGIN PASSWORD '" + password + "' IN ROLE "
                + TenantNaming.roleName(tenantId, TenantRole.DEVELOPER));
        try (Connection connection = catalog.login(database, login, password);
             Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO user_activity (user_id, action, ip_address, user_agent)"
                    + " VALUES ('dev@example.com', 'deploy', '10.0.0.1', 'cli/1.0')");
        } finally {
            catalog.execute("postgres", "DROP ROLE " + login);
        }
        assertThat(catalog.value(database, "SELECT concat_ws(' ', user_id, host(ip_address), user_agent,"
                + " created_at IS NOT NULL) FROM user_activity")).isEqualTo("dev@example.com 10.0.0.1 cli/1.0 t");
    }

    @Test
    void theDatabaseHasThePlansCollationAndTheApiShowsIt() {
        UUID tenantId = service.activeTenant("standard", null);
        String database = TenantNaming.databaseName(tenantId);
        JsonNode shown = api.get("/api/v1/tenants/" + tenantId).body().get("database");
        assertThat(shown.get("collation").asText()).isEqualTo("en_US.UTF-8");
        // libc's en_US.UTF-8 where the server has it, else ICU's en-US (the embedded server's binaries have no
        // en_US locale of their own).
        String expected = "libc".equals(shown.get("collation_provider").asText()) ? "c en_US.UTF-8" : "i en-US";
        assertThat(collationOf(database)).isEqualTo(expected);
        assertThat(catalog.value(database, "SELECT 'a' < 'B'")).as("a locale's order, not C's").isEqualTo("t");

        // A restored copy gets the same collation.
        ApiClient.Response backup = api.post("/api/v1/tenants/" + tenantId + "/backups", "");
        assertThat(service.awaitOperation(backup.body().get("operation_id").asText()).get("status").asText())
                .isEqualTo("succeeded");
        String backupId = api.get("/api/v1/tenants/" + tenantId + "/backups").body().get("items").get(0)
                .get("backup_id").asText();
        ApiClient.Response restore = api.post("/api/v1/tenants/" + tenantId + "/restore",
                "{\"backup_id\":\"" + backupId + "\"}");
        JsonNode restored = service.awaitOperation(restore.body().get("operation_id").asText());
        assertThat(restored.get("status").asText()).as(restored.toString()).isEqualTo("succeeded");
        String target = catalog.platform("SELECT parameters->>'target_database' FROM operations WHERE operation_id = ?::uuid",
                restored.get("operation_id").asText()).get(0);
        assertThat(collationOf(target)).isEqualTo(expected);

        // Per plan: the free plan is configured with C here.
        UUID free = service.activeTenant("free", null);
        JsonNode freeShown = api.get("/api/v1/tenants/" + free).body().get("database");
        assertThat(freeShown.get("collation").asText() + " " + freeShown.get("collation_provider").asText())
                .isEqualTo("C libc");
        assertThat(collationOf(TenantNaming.databaseName(free))).isEqualTo("c C");
    }

    /** The database's locale provider (c or i) and its collation under that provider. */
    private static String collationOf(String database) {
        return catalog.value("postgres", "SELECT datlocprovider::text || ' ' || CASE datlocprovider WHEN 'i' THEN daticulocale"
                + " ELSE datcollate END FROM pg_database WHERE datname = ?", database);
    }
}
