package io.onboarding.tenant;

import io.onboarding.tenant.schema.EarlierTenantSchema;
import io.onboarding.tenant.schema.TenantDatabaseTemplates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.postgres.ClusterLockdown;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.Pipelines;
import io.onboarding.support.RunningService;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A tenant provisioned through the REST API, checked where it lands: pg_catalog and real logins. */
class TenantProvisioningTest {

    private static RunningService service;
    private static ApiClient api;
    private static Catalog catalog;

    @BeforeAll
    static void start() throws Exception {
        service = RunningService.start("platform_provisioning_test");
        api = service.api();
        catalog = service.catalog();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    /** Tenant names are unique among live tenants; a persistent external cluster keeps earlier runs'. */
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    private static String tenantJson(UUID id, String name, String plan) {
        return """
                {"tenant_id":"%s","tenant_name":"%s","plan":"%s","region":"eu-west-1"}""".formatted(id, name, plan);
    }

    @Test
    void provisionsALockedDownDatabaseWithSchemaRolesAndPrivileges() throws Exception {
        UUID tenantId = UUID.randomUUID();
        ApiClient.Response accepted = api.post("/api/v1/tenants", tenantJson(tenantId, "Globex Standard " + RUN, "standard"));
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.body().get("tenant_id").asText()).isEqualTo(tenantId.toString());
        assertThat(accepted.body().get("status").asText()).isEqualTo("provisioning");
        String operationId = accepted.body().get("operation_id").asText();
        assertThat(accepted.header("Location")).contains("/api/v1/operations/" + operationId);

        JsonNode operation = service.awaitOperation(operationId);
        assertThat(operation.get("status").asText()).isEqualTo("succeeded");
        assertThat(operation.get("type").asText()).isEqualTo("provision");
        List<String> steps = new ArrayList<>();
        operation.get("steps").forEach(step -> {
            steps.add(step.get("name").asText() + ":" + step.get("status").asText());
            assertThat(step.get("finished_at").isNull()).isFalse();
        });
        // Every step of the pipeline in routes/, in its order: done, but for those with nothing to do here
        // (a standard plan needs no approval and no cloud resource; no auth providers, no admin_email).
        List<String> skipped = List.of("await-approval", "configure-auth-providers", "provision-cloud-resources",
                "invite-tenant-admin");
        assertThat(steps).containsExactlyElementsOf(Pipelines.steps("provision").stream()
                .map(step -> step + ":" + (skipped.contains(step) ? "skipped" : "done")).toList());

        JsonNode tenant = api.get("/api/v1/tenants/" + tenantId).body();
        assertThat(tenant.get("status").asText()).isEqualTo("active");
        assertThat(tenant.get("plan").asText()).isEqualTo("standard");
        assertThat(tenant.get("monitoring_level").asText()).isEqualTo("standard");
        assertThat(tenant.get("backup_policy").get("retention_days").asInt()).isEqualTo(30);
        String database = tenant.get("database").get("name").asText();
        assertThat(database).isEqualTo("tenant_" + tenantId.toString().replace("-", ""));
        assertThat(tenant.get("database").get("connection_limit").asInt()).isEqualTo(20);
        assertThat(tenant.get("database").get("port").asInt()).isPositive();
        Map<String, String> roles = new LinkedHashMap<>();
        tenant.get("roles").forEach(role -> roles.put(role.get("role").asText(), role.get("name").asText()));
        assertThat(roles).containsOnlyKeys("tenant_admin", "application_manager", "developer", "auditor");
        String admin = roles.get("tenant_admin");

        // The database: the platform's owner role (no tenant login can change it), encoding, limit from the plan;
        // the admin role owns the schema instead.
        assertThat(catalog.value("postgres", "SELECT pg_get_userbyid(datdba) || ' ' || pg_encoding_to_char(encoding)"
                + " || ' ' || datconnlimit FROM pg_database WHERE datname = ?", database))
                .isEqualTo(ClusterLockdown.DATABASE_OWNER + " UTF8 20");
        assertThat(catalog.value(database, "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'"))
                .isEqualTo(admin);
        // The roles: four of them, NOLOGIN, named after the full tenant id.
        for (String role : roles.values()) {
            assertThat(role).contains(tenantId.toString().replace("-", ""));
            assertThat(catalog.value("postgres", "SELECT rolcanlogin FROM pg_roles WHERE rolname = ?", role))
                    .isEqualTo("f");
        }
        // The schema: four tables owned by the admin role, eight indexes besides the keys.
        assertThat(catalog.column(database, "SELECT tablename || ':' || tableowner FROM pg_tables"
                + " WHERE schemaname = 'public' ORDER BY 1"))
                .containsExactly("applications:" + admin, "deployments:" + admin, "resources:" + admin,
                        "user_activity:" + admin);
        assertThat(catalog.column(database, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
                + " AND indexname LIKE 'idx\\_%' ORDER BY 1")).hasSize(8).containsExactly(
                "idx_applications_status", "idx_applications_team", "idx_deployments_application_id",
                "idx_deployments_status", "idx_resources_application_id", "idx_resources_type_status",
                "idx_user_activity_created_at", "idx_user_activity_user_id");

        // Cloned from the pre-migrated template: every object the admin's; the version is the control plane's,
        // the database's only trace of it the comment on schema public.
        assertThat(catalog.value(database, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = relnamespace"
                + " WHERE nspname = 'public' AND pg_get_userbyid(relowner) <> ?", admin)).isEqualTo("0");
        assertThat(EarlierTenantSchema.version(catalog, tenantId)).isEqualTo("3");
        assertThat(EarlierTenantSchema.mark(catalog, tenantId)).isEqualTo("tenant-onboarding schema version 3");
        assertTemplateIsNoTenant();

        // The privilege matrix, four roles by four tables by four privileges.
        String all = "SELECT,INSERT,UPDATE,DELETE";
        Map<String, Map<String, String>> expected = Map.of(
                "tenant_admin", Map.of("applications", all, "resources", all, "deployments", all, "user_activity", all),
                "application_manager", Map.of("applications", all, "resources", all, "deployments", all,
                        "user_activity", "SELECT,INSERT"),
                "developer", Map.of("applications", "SELECT", "resources", "SELECT", "deployments", "SELECT",
                        "user_activity", "SELECT,INSERT"),
                "auditor", Map.of("applications", "SELECT", "resources", "SELECT", "deployments", "SELECT",
                        "user_activity", "SELECT"));
        for (var role : expected.entrySet()) {
            for (var table : role.getValue().entrySet()) {
                List<String> granted = new ArrayList<>();
                for (String privilege : List.of("SELECT", "INSERT", "UPDATE", "DELETE")) {
                    if ("t".equals(catalog.value(database, "SELECT has_table_privilege(?, ?, ?)",
                            roles.get(role.getKey()), "public." + table.getKey(), privilege))) {
                        granted.add(privilege);
                    }
                }
                assertThat(String.join(",", granted)).as(role.getKey() + " on " + table.getKey())
                        .isEqualTo(table.getValue());
            }
        }
        // PUBLIC: no CONNECT or TEMP on the database, nothing on schema public; only the owner may CREATE there.
        assertThat(catalog.value("postgres", "SELECT count(*) FROM pg_database d, aclexplode(d.datacl) a"
                + " WHERE d.datname = ? AND a.grantee = 0", database)).isEqualTo("0");
        assertThat(catalog.value(database, "SELECT count(*) FROM pg_namespace n, aclexplode(n.nspacl) a"
                + " WHERE n.nspname = 'public' AND a.grantee = 0")).isEqualTo("0");
        for (String role : List.of("application_manager", "developer", "auditor")) {
            assertThat(catalog.value(database, "SELECT has_schema_privilege(?, 'public', 'CREATE')", roles.get(role)))
                    .as(role + " may not create in schema public").isEqualTo("f");
            assertThat(catalog.value(database, "SELECT has_database_privilege(?, ?, 'CONNECT')", roles.get(role),
                    database)).isEqualTo("t");
        }
    }

    @Test
    void rolesOfOneTenantCannotReachAnotherTenantsDatabase() throws Exception {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        assertThat(service.provision(tenantJson(a, "Initech A " + RUN, "free")).get("status").asText()).isEqualTo("succeeded");
        assertThat(service.provision(tenantJson(b, "Initech B " + RUN, "free")).get("status").asText()).isEqualTo("succeeded");
        String databaseA = TenantNaming.databaseName(a);
        String databaseB = TenantNaming.databaseName(b);
        assertThat(catalog.value("postgres", "SELECT datconnlimit FROM pg_database WHERE datname = ?", databaseA))
                .isEqualTo("5");

        // A login member of tenant A's developer role, and a login that belongs to no tenant.
        String member = "probe_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String stranger = member + "_x";
        String password = UUID.randomUUID().toString();
        catalog.execute("postgres",
                "CREATE ROLE " + member + " LOGIN PASSWORD '" + password + "' IN ROLE "
                        + TenantNaming.roleName(a, TenantRole.DEVELOPER),
                "CREATE ROLE " + stranger + " LOGIN PASSWORD '" + password + "'");
        try {
            try (Connection connection = catalog.login(databaseA, member, password);
                 Statement statement = connection.createStatement()) {
                statement.executeQuery("SELECT count(*) FROM applications").close();
                statement.execute("INSERT INTO user_activity (user_id, action) VALUES ('probe', 'login')");
                assertThatThrownBy(() -> statement.execute("INSERT INTO applications (name, team, created_by) VALUES ('x', 'core', 'ops')"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            }
            assertThatThrownBy(() -> catalog.login(databaseB, member, password).close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied for database");
            assertThatThrownBy(() -> catalog.login(databaseA, stranger, password).close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied for database");
            assertThatThrownBy(() -> catalog.login(databaseA, member, "wrong-" + password).close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        } finally {
            catalog.execute("postgres", "DROP ROLE " + member, "DROP ROLE " + stranger);
        }
    }

    @Test
    void repeatingARequestIsIdempotentAndConflictsAre409() {
        UUID tenantId = UUID.randomUUID();
        String body = tenantJson(tenantId, "Umbrella " + RUN, "standard");
        ApiClient.Response first = api.post("/api/v1/tenants", body);
        assertThat(first.status()).isEqualTo(202);
        ApiClient.Response again = api.post("/api/v1/tenants", body);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("operation_id")).isEqualTo(first.body().get("operation_id"));
        assertThat(catalog.platform("SELECT count(*) FROM operations WHERE tenant_id = ?", tenantId))
                .containsExactly("1");

        ApiClient.Response changed = api.post("/api/v1/tenants", tenantJson(tenantId, "Umbrella " + RUN, "enterprise"));
        assertThat(changed.status()).isEqualTo(409);
        assertThat(changed.body().get("error").get("code").asText()).isEqualTo("conflict");
        assertThat(changed.body().get("error").get("details").get(0).get("field").asText()).isEqualTo("tenant_id");

        ApiClient.Response sameName = api.post("/api/v1/tenants", tenantJson(UUID.randomUUID(), "umbrella " + RUN, "free"));
        assertThat(sameName.status()).isEqualTo(409);
        assertThat(sameName.body().get("error").get("details").get(0).get("field").asText()).isEqualTo("tenant_name");
        service.awaitOperation(first.body().get("operation_id").asText());
    }

    /** The template: marked, a template closed to connections, owned by the platform, matching no tenant pattern. */
    private static void assertTemplateIsNoTenant() {
        String prefix = TenantDatabaseTemplates.PREFIX + "3\\_%";
        assertThat(catalog.column("postgres", "SELECT datistemplate || ' ' || datallowconn || ' '"
                + " || pg_get_userbyid(datdba) || ' ' || shobj_description(oid, 'pg_database') FROM pg_database"
                + " WHERE datname LIKE ?", prefix)).isNotEmpty() // one per collation the plans use
                .containsOnly("true false " + ClusterLockdown.DATABASE_OWNER + " " + TenantDatabaseTemplates.MARKER);
        assertThat(catalog.value("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE ?"
                + " AND datname LIKE 'tenant\\_%'", prefix)).isEqualTo("0");
        assertThatThrownBy(() -> catalog.value(catalog.value("postgres", "SELECT min(datname) FROM pg_database"
                + " WHERE datname LIKE ?", prefix), "SELECT 1")).hasMessageContaining("not currently accepting");
    }

    @Test
    void invalidRequestsAreRefusedByFieldAndLeaveNothingBehind() {
        UUID tenantId = UUID.randomUUID();
        List<String> databasesBefore = catalog.column("postgres", "SELECT datname FROM pg_database ORDER BY 1");
        List<String> rolesBefore = catalog.column("postgres", "SELECT rolname FROM pg_roles ORDER BY 1");

        ApiClient.Response response = api.post("/api/v1/tenants", """
                {"tenant_id":"%s","tenant_name":"Bad; DROP DATABASE postgres","plan":"platinum","region":"mars",
                 "monitoring_level":"total","colour":"blue",
                 "backup_policy":{"schedule":"every day","backup_type":"incremental","retention_days":0,
                                  "encryption_level":"none","storage_location":"moon"}}""".formatted(tenantId));
        assertThat(response.status()).isEqualTo(400);
        JsonNode error = response.body().get("error");
        assertThat(error.get("code").asText()).isEqualTo("validation_failed");
        List<String> fields = new ArrayList<>();
        error.get("details").forEach(detail -> fields.add(detail.get("field").asText()));
        assertThat(fields).containsExactlyInAnyOrder("tenant_name", "plan", "region", "monitoring_level", "colour",
                "backup_policy.schedule", "backup_policy.backup_type", "backup_policy.retention_days",
                "backup_policy.encryption_level", "backup_policy.storage_location");

        assertThat(api.post("/api/v1/tenants", "{\"tenant_name\":").status()).isEqualTo(400);
        assertThat(api.post("/api/v1/tenants", "[]").body().get("error").get("details").get(0).get("field").asText())
                .isEqualTo("body");
        ApiClient.Response missing = api.post("/api/v1/tenants", "{}");
        List<String> missingFields = new ArrayList<>();
        missing.body().get("error").get("details").forEach(detail -> missingFields.add(detail.get("field").asText()));
        assertThat(missingFields).containsExactlyInAnyOrder("tenant_name", "plan", "region");
        assertThat(api.post("/api/v1/tenants", "{\"tenant_id\":\"not-a-uuid\",\"tenant_name\":\"Ok\",\"plan\":\"free\","
                + "\"region\":\"local\"}").body().get("error").get("details").get(0).get("field").asText())
                .isEqualTo("tenant_id");

        assertThat(catalog.platform("SELECT count(*) FROM tenants WHERE tenant_id = ?", tenantId)).containsExactly("0");
        assertThat(catalog.column("postgres", "SELECT datname FROM pg_database ORDER BY 1")).isEqualTo(databasesBefore);
        assertThat(catalog.column("postgres", "SELECT rolname FROM pg_roles ORDER BY 1")).isEqualTo(rolesBefore);
    }

    @Test
    void listsTenantsWithFiltersAndCursorPaging() {
        for (int i = 0; i < 3; i++) {
            service.provision(tenantJson(UUID.randomUUID(), "Paged " + i + " " + RUN, "enterprise"));
        }
        // Walk every page (an external cluster may hold earlier runs' tenants too).
        List<String> names = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = api.get("/api/v1/tenants?plan=enterprise&status=active&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor)).body();
            assertThat(page.get("items").size()).isBetween(1, 2);
            page.get("items").forEach(t -> {
                assertThat(t.get("plan").asText()).isEqualTo("enterprise");
                assertThat(t.get("status").asText()).isEqualTo("active");
                names.add(t.get("tenant_name").asText());
            });
            assertThat(page.has("next_cursor")).isTrue();
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            pages++;
        } while (cursor != null && pages < 1000);
        assertThat(pages).isGreaterThanOrEqualTo(2);
        assertThat(names).contains("Paged 0 " + RUN, "Paged 1 " + RUN, "Paged 2 " + RUN).doesNotHaveDuplicates();

        assertThat(api.get("/api/v1/tenants?limit=0").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/tenants?status=sleeping").body().get("error").get("details").get(0)
                .get("field").asText()).isEqualTo("status");
        assertThat(api.get("/api/v1/tenants?cursor=garbage").status()).isEqualTo(400);
    }

    @Test
    void apiNeedsTheBearerTokenButHealthAndApiDocDoNot() {
        assertThat(api.withToken(null).get("/api/v1/tenants").status()).isEqualTo(401);
        ApiClient.Response wrong = api.withToken("not-the-token").post("/api/v1/tenants",
                tenantJson(UUID.randomUUID(), "Sneaky " + RUN, "free"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body().get("error").get("code").asText()).isEqualTo("unauthorized");
        assertThat(catalog.platform("SELECT count(*) FROM tenants WHERE tenant_name = ?", "Sneaky " + RUN)).containsExactly("0");

        assertThat(api.withToken(null).get("/observe/health").status()).isEqualTo(200);
        JsonNode apiDoc = api.withToken(null).get("/api-doc").body();
        assertThat(apiDoc.get("openapi").asText()).startsWith("3.");
        assertThat(apiDoc.get("paths").has("/api/v1/tenants")).isTrue();
        assertThat(apiDoc.get("paths").has("/api/v1/operations/{operationId}")).isTrue();

        ApiClient.Response unknown = api.get("/api/v1/tenants/" + UUID.randomUUID());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("error").get("code").asText()).isEqualTo("not_found");
        assertThat(api.get("/api/v1/operations/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/tenants/nope").status()).isEqualTo(400);
    }
}
