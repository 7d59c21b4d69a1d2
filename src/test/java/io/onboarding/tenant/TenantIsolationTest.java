package io.onboarding.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.postgres.ClusterLockdown;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.Mailbox;
import io.onboarding.support.RunningService;
import io.onboarding.support.SecretsSeen;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tenant's own logins, with their real passwords over scram, try to undo what the platform
 * decided: its database's limit and suspension, and reaching databases that are not theirs.
 */
class TenantIsolationTest {

    private static final String PLATFORM_DB = "platform_isolation_test";
    private static Mailbox mailbox;
    private static RunningService service;
    private static ApiClient api;
    private static Catalog catalog;
    private static java.nio.file.Path dataDir;

    @BeforeAll
    static void start() throws Exception {
        mailbox = new Mailbox();
        dataDir = java.nio.file.Files.createTempDirectory("onboarding-test-data");
        startService();
        catalog = service.catalog();
    }

    private static void startService() throws Exception {
        Map<String, String> settings = mailbox.serviceSettings();
        service = RunningService.start(PLATFORM_DB, settings, dataDir); // a restart keeps its data directory
        api = service.api();
    }

    @AfterAll
    static void stop() {
        service.close();
        mailbox.close();
    }

    /** A tenant_admin invited through the API, its credentials collected from the mailed link. */
    private static JsonNode tenantAdmin(UUID tenantId) throws Exception {
        String email = "admin-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
        ApiClient.Response invited = api.post("/api/v1/tenants/" + tenantId + "/users",
                "{\"email\":\"" + email + "\",\"role\":\"tenant_admin\"}");
        assertThat(invited.status()).as(invited.body().toString()).isEqualTo(201);
        String link = mailbox.awaitLink(email);
        SecretsSeen.record(link.substring(link.lastIndexOf('/') + 1));
        ApiClient.Response accepted = api.postUrl(
                link.replace("http://onboarding.test", "http://localhost:" + service.port()) + "/accept");
        assertThat(accepted.status()).isEqualTo(200);
        SecretsSeen.record(accepted.body().get("password").asText());
        return accepted.body();
    }

    private static Connection login(JsonNode credentials, String database) throws SQLException {
        return catalog.login(database, credentials.get("username").asText(), credentials.get("password").asText());
    }

    private static JsonNode await202(ApiClient.Response accepted) {
        assertThat(accepted.status()).as(String.valueOf(accepted.body())).isEqualTo(202);
        return service.awaitOperation(accepted.body().get("operation_id").asText());
    }

    @Test
    void theTenantAdminOwnsItsObjectsButCannotChangeItsDatabase() throws Exception {
        UUID tenantId = service.activeTenant("free", null);
        String database = TenantNaming.databaseName(tenantId);
        JsonNode admin = tenantAdmin(tenantId);

        assertThat(catalog.value("postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?",
                database)).isEqualTo(ClusterLockdown.DATABASE_OWNER);
        assertThat(catalog.value("postgres", "SELECT rolcanlogin FROM pg_roles WHERE rolname = ?",
                ClusterLockdown.DATABASE_OWNER)).isEqualTo("f");
        String adminRole = TenantNaming.roleName(tenantId, TenantRole.TENANT_ADMIN);
        assertThat(catalog.value(database, "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'"))
                .isEqualTo(adminRole);

        try (Connection connection = login(admin, database); Statement statement = connection.createStatement()) {
            // What the design gives the admin: its own tables, new ones, temporary ones.
            statement.execute("INSERT INTO applications (name, team, created_by) VALUES ('mine', 'core', 'ops')");
            statement.execute("CREATE TABLE scratch (id int)");
            statement.execute("CREATE TEMP TABLE temporary_scratch (id int)");
            for (String change : new String[] {
                    "ALTER DATABASE " + database + " CONNECTION LIMIT 1000",
                    "ALTER DATABASE " + database + " ALLOW_CONNECTIONS false",
                    "ALTER DATABASE " + database + " RENAME TO stolen_" + database.substring(7, 20),
                    "ALTER DATABASE " + database + " OWNER TO " + adminRole}) {
                assertThatThrownBy(() -> statement.execute(change)).as(change)
                        .hasMessageContaining("must be owner");
            }
        }
        assertThat(catalog.value(database, "SELECT count(*) FROM pg_tables WHERE tablename = 'scratch'"))
                .isEqualTo("1");
        assertThat(catalog.value("postgres", "SELECT datconnlimit FROM pg_database WHERE datname = ?", database))
                .isEqualTo("5");
    }

    @Test
    void tenantLoginsCannotConnectToDatabasesThatAreNotTheirs() throws Exception {
        UUID tenantId = service.activeTenant("free", null);
        JsonNode admin = tenantAdmin(tenantId);
        for (String other : new String[] {"postgres", PLATFORM_DB, "template1"}) {
            assertThatThrownBy(() -> login(admin, other).close()).as(other)
                    .hasMessageContaining("permission denied for database");
        }
        for (String other : new String[] {"postgres", PLATFORM_DB, "template1"}) {
            assertThat(catalog.value("postgres", "SELECT has_database_privilege('public', oid, 'CONNECT')"
                    + " OR has_database_privilege('public', oid, 'TEMPORARY') FROM pg_database WHERE datname = ?",
                    other)).as(other).isEqualTo("f");
        }
    }

    @Test
    void aSuspendedTenantsLoginsCannotLogInAnywhereUntilResumed() throws Exception {
        UUID tenantId = service.activeTenant("standard", null);
        String database = TenantNaming.databaseName(tenantId);
        JsonNode admin = tenantAdmin(tenantId);
        String login = admin.get("username").asText();

        assertThat(await202(api.post("/api/v1/tenants/" + tenantId + "/suspend", "{\"reason\":\"audit\"}"))
                .get("status").asText()).isEqualTo("succeeded");
        assertThat(catalog.value("postgres", "SELECT rolcanlogin FROM pg_roles WHERE rolname = ?", login))
                .isEqualTo("f");
        assertThat(catalog.value("postgres", "SELECT datallowconn FROM pg_database WHERE datname = ?", database))
                .isEqualTo("f");
        for (String anywhere : new String[] {database, "postgres", PLATFORM_DB}) {
            assertThatThrownBy(() -> login(admin, anywhere).close()).as(anywhere)
                    .hasMessageContaining("not permitted to log in");
        }

        assertThat(await202(api.post("/api/v1/tenants/" + tenantId + "/resume", "")).get("status").asText())
                .isEqualTo("succeeded");
        assertThat(catalog.value("postgres", "SELECT datallowconn || ' ' || datconnlimit FROM pg_database"
                + " WHERE datname = ?", database)).isEqualTo("true 20");
        login(admin, database).close();
    }

    @Test
    void tenantsOfAnOlderReleaseAreTakenBackAtStart() throws Exception {
        UUID active = service.activeTenant("free", null);
        UUID suspended = service.activeTenant("free", null);
        JsonNode suspendedAdmin = tenantAdmin(suspended);
        await202(api.post("/api/v1/tenants/" + suspended + "/suspend", "{\"reason\":\"old release\"}"));
        // As the previous release left them: the admin role owns the database, a suspended tenant's logins can log in.
        for (UUID tenantId : new UUID[] {active, suspended}) {
            catalog.execute("postgres", "ALTER DATABASE " + TenantNaming.databaseName(tenantId) + " OWNER TO "
                    + TenantNaming.roleName(tenantId, TenantRole.TENANT_ADMIN));
        }
        catalog.execute("postgres", "ALTER ROLE " + suspendedAdmin.get("username").asText() + " LOGIN");

        service.close();
        startService();

        for (UUID tenantId : new UUID[] {active, suspended}) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> catalog.value(
                    "postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?",
                    TenantNaming.databaseName(tenantId)).equals(ClusterLockdown.DATABASE_OWNER));
        }
        assertThat(catalog.value(TenantNaming.databaseName(active), "SELECT pg_get_userbyid(nspowner) FROM pg_namespace"
                + " WHERE nspname = 'public'")).isEqualTo(TenantNaming.roleName(active, TenantRole.TENANT_ADMIN));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> catalog.value("postgres",
                "SELECT rolcanlogin FROM pg_roles WHERE rolname = ?", suspendedAdmin.get("username").asText()).equals("f"));
    }
}
