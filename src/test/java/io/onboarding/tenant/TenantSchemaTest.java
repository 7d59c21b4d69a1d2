package io.onboarding.tenant;

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

    /** Every column of the design, as information_schema names its type. */
    static final List<String> DESIGN_COLUMNS = List.of(
            "applications.id:uuid", "applications.name:text", "applications.description:text",
            "applications.status:text", "applications.team:text", "applications.git_repository:text",
            "applications.desired_state:jsonb", "applications.actual_state:jsonb", "applications.created_by:text",
            "applications.created_at:timestamp with time zone", "applications.updated_at:timestamp with time zone",
            "resources.id:uuid", "resources.application_id:uuid", "resources.name:text", "resources.type:text",
            "resources.configuration:jsonb", "resources.status:text", "resources.provider_resource_id:text",
            "resources.created_at:timestamp with time zone",
            "deployments.id:uuid", "deployments.application_id:uuid", "deployments.version:text",
            "deployments.environment:text", "deployments.status:text", "deployments.triggered_by:text",
            "deployments.started_at:timestamp with time zone", "deployments.completed_at:timestamp with time zone",
            "deployments.metadata:jsonb",
            "user_activity.id:uuid", "user_activity.user_id:text", "user_activity.action:text",
            "user_activity.resource_type:text", "user_activity.resource_id:uuid", "user_activity.details:jsonb",
            "user_activity.ip_address:inet", "user_activity.user_agent:text",
            "user_activity.created_at:timestamp with time zone");

    static final List<String> DESIGN_INDEXES = List.of(
            "idx_applications_created_at ON applications (created_at)", "idx_applications_status ON applications (status)",
            "idx_deployments_application_id ON deployments (application_id)", "idx_deployments_status ON deployments (status)",
            "idx_resources_application_id ON resources (application_id)", "idx_resources_type ON resources (type)",
            "idx_user_activity_created_at ON user_activity (created_at)",
            "idx_user_activity_user_id ON user_activity (user_id)");

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

    /** "table.column:type" of every column of the four tables. */
    static List<String> columns(Catalog catalog, String database) {
        return catalog.column(database, "SELECT table_name || '.' || column_name || ':' || data_type"
                + " FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'tenant_schema_history'");
    }

    /** "name ON table (columns)" of every idx_ index. */
    static List<String> indexes(Catalog catalog, String database) {
        return catalog.column(database, "SELECT regexp_replace(indexdef, '^CREATE INDEX (\\S+) ON public\\.(\\S+)"
                + " USING btree ', '\\1 ON \\2 ') FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'idx\\_%'"
                + " ORDER BY indexname");
    }

    @Test
    void aNewTenantHasTheDesignSchema() throws Exception {
        UUID tenantId = service.activeTenant("standard", null);
        String database = TenantNaming.databaseName(tenantId);
        assertThat(columns(catalog, database)).containsAll(DESIGN_COLUMNS);
        assertThat(indexes(catalog, database)).containsExactlyElementsOf(DESIGN_INDEXES);
        assertThat(catalog.column(database, "SELECT table_name || '.' || column_name || '=' || column_default"
                + " FROM information_schema.columns WHERE table_schema = 'public' AND column_name IN"
                + " ('desired_state', 'actual_state', 'metadata', 'status', 'created_at') ORDER BY 1"))
                .contains("applications.desired_state='{}'::jsonb", "applications.actual_state='{}'::jsonb",
                        "resources.status='pending'::text", "deployments.metadata='{}'::jsonb",
                        "user_activity.created_at=now()");
        assertThat(catalog.value(database, "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                + " WHERE conrelid = 'resources'::regclass AND contype = 'u'")).isEqualTo("UNIQUE (name, type)");
        // deployments no longer cascade; resources still do.
        assertThat(catalog.column(database, "SELECT c.table_name || ':' || r.delete_rule"
                + " FROM information_schema.referential_constraints r JOIN information_schema.table_constraints c"
                + " USING (constraint_schema, constraint_name) ORDER BY 1"))
                .containsExactly("deployments:NO ACTION", "resources:CASCADE");

        // A developer's login records its activity in the design's columns; the old ones follow.
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
        assertThat(catalog.value(database, "SELECT concat_ws(' ', user_id, user_name, host(ip_address), user_agent,"
                + " created_at = occurred_at) FROM user_activity"))
                .isEqualTo("dev@example.com dev@example.com 10.0.0.1 cli/1.0 t");
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
