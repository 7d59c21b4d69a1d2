package io.onboarding.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.postgres.PostgresCluster;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.ServiceProcess;
import io.onboarding.support.TestPostgres;
import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The packaged service killed with SIGKILL in the middle of provisioning, then started again. */
class CrashRecoveryIT {

    private static final String TOKEN = "crash-test-token-0123456789";

    private static Map<String, String> environment(String platformDb) throws Exception {
        Map<String, String> env = new HashMap<>(TestPostgres.environment());
        env.put("PLATFORM_DB", platformDb);
        env.put("DATA_DIR", Files.createTempDirectory("onboarding-crash").toString());
        env.put("SERVER_PORT", Integer.toString(TestPostgres.freePort()));
        env.put("ONBOARDING_API_TOKEN", TOKEN);
        env.put("INBOX_DIR", Files.createTempDirectory("onboarding-crash-inbox").toString());
        return env;
    }

    private static String request(UUID tenantId) {
        return """
                {"tenant_id":"%s","tenant_name":"Crash %s","plan":"standard","region":"local"}"""
                .formatted(tenantId, tenantId.toString().substring(0, 8));
    }

    private static List<String> tenantDatabases(Catalog catalog) {
        return catalog.column("postgres", "SELECT datname FROM pg_database WHERE datname LIKE 'tenant\\_%'");
    }

    private static List<String> tenantRoles(Catalog catalog) {
        return catalog.column("postgres", "SELECT rolname FROM pg_roles WHERE rolname LIKE 'tenant\\_%'");
    }

    @Test
    void killedBetweenStepsTheNextStartFinishesTheOperationAndLeavesNoOrphan() throws Exception {
        PostgresCluster pg = TestPostgres.cluster();
        Map<String, String> env = environment("platform_crash_it");
        Catalog catalog = new Catalog(pg, "platform_crash_it");
        UUID tenantId = UUID.randomUUID();
        String database = TenantNaming.databaseName(tenantId);
        String blocker = "crash_blocker_" + tenantId.toString().substring(0, 8);
        catalog.execute("postgres", "CREATE DATABASE " + blocker);
        // Other suites may share the cluster (PGHOST set): orphans are looked for among new objects.
        List<String> databasesBefore = tenantDatabases(catalog);
        List<String> rolesBefore = tenantRoles(catalog);

        String operationId;
        String jms = "-Donboarding.jms.embedded-port=" + TestPostgres.freePort();
        try (ServiceProcess first = ServiceProcess.start("crash-first", env, jms);
             Connection lock = pg.connect("postgres")) {
            // Hold the tenant's database name in an uncommitted rename: the service's CREATE DATABASE
            // waits on it, so the crash comes after create-tenant-roles and inside create-tenant-database.
            lock.setAutoCommit(false);
            try (Statement statement = lock.createStatement()) {
                statement.execute("ALTER DATABASE " + blocker + " RENAME TO " + database);
            }
            ApiClient.Response accepted = first.api().post("/api/v1/tenants", request(tenantId));
            assertThat(accepted.status()).isEqualTo(202);
            operationId = accepted.body().get("operation_id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> catalog.value("postgres",
                    "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'CREATE DATABASE%' AND wait_event_type = 'Lock'")
                    .equals("1"));
            JsonNode before = first.api().get("/api/v1/operations/" + operationId).body();
            assertThat(stepStatus(before, "create-tenant-roles")).isEqualTo("done");
            assertThat(stepStatus(before, "create-tenant-database")).isEqualTo("running");

            first.kill();
            lock.rollback();
        } finally {
            catalog.execute("postgres", "DROP DATABASE IF EXISTS " + blocker);
        }
        assertThat(catalog.platform("SELECT status FROM operations WHERE operation_id = ?::uuid", operationId))
                .containsExactly("running");

        try (ServiceProcess second = ServiceProcess.start("crash-second", env, jms)) {
            JsonNode operation = await().atMost(Duration.ofSeconds(60))
                    .until(() -> second.api().get("/api/v1/operations/" + operationId).body(),
                            op -> !op.get("status").asText().equals("running"));
            assertThat(operation.get("status").asText()).isEqualTo("succeeded");
            // Skipped: no approval for this plan, no admin_email, no auth providers, not enterprise.
            java.util.Set<String> skipped = java.util.Set.of("await-approval", "invite-tenant-admin",
                    "configure-auth-providers", "provision-cloud-resources");
            operation.get("steps").forEach(step -> assertThat(step.get("status").asText()).as(step.get("name").asText())
                    .isEqualTo(skipped.contains(step.get("name").asText()) ? "skipped" : "done"));
            assertThat(second.api().get("/api/v1/tenants/" + tenantId).body().get("status").asText())
                    .isEqualTo("active");

            // The database the killed instance was creating is the tenant's now, marked and locked down.
            assertThat(catalog.value("postgres", "SELECT shobj_description(oid, 'pg_database') FROM pg_database"
                    + " WHERE datname = ?", database)).isEqualTo(TenantNaming.ownerMarker(tenantId));
            assertThat(catalog.value("postgres", "SELECT count(*) FROM pg_database d, aclexplode(d.datacl) a"
                    + " WHERE d.datname = ? AND a.grantee = 0", database)).isEqualTo("0");
            assertThat(catalog.column(database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
                    .contains("applications", "resources", "deployments", "user_activity");
            // No orphan: every tenant database and role made since belongs to a live tenant.
            List<String> newDatabases = new ArrayList<>(tenantDatabases(catalog));
            newDatabases.removeAll(databasesBefore);
            assertThat(newDatabases).containsExactly(database);
            List<String> newRoles = new ArrayList<>(tenantRoles(catalog));
            newRoles.removeAll(rolesBefore);
            List<String> expectedRoles = new ArrayList<>(Arrays.stream(TenantRole.values())
                    .map(role -> TenantNaming.roleName(tenantId, role)).toList());
            expectedRoles.add(TenantNaming.stewardName(tenantId)); // the platform's login inside its database
            assertThat(newRoles).containsExactlyInAnyOrderElementsOf(expectedRoles);
            assertThat(catalog.platform("SELECT count(*) FROM operations WHERE status = 'running'"))
                    .containsExactly("0");

            Duration stop = second.terminate();
            assertThat(stop).as("SIGTERM to exit").isLessThan(Duration.ofSeconds(30));
            // Neither the admin token nor the database password ever reaches the log.
            assertThat(second.output()).doesNotContain(TOKEN);
            if (pg.password() != null && !pg.password().isEmpty()) {
                assertThat(second.output()).doesNotContain(pg.password());
            }
        }
    }

    @Test
    void onEmbeddedDefaultsDataSurvivesAKillAndTheOrphanedPostgresIsReplaced() throws Exception {
        Map<String, String> env = environment("unused");
        env.remove("PGHOST");
        env.remove("PGPORT");
        env.remove("PGUSER");
        env.remove("PGPASSWORD");
        env.remove("PLATFORM_DB");
        env.remove("ONBOARDING_API_TOKEN");
        Path dataDir = Path.of(env.get("DATA_DIR"));
        String port = "-Donboarding.embedded-postgres.port=" + TestPostgres.freePort();
        String jms = "-Donboarding.jms.embedded-port=" + TestPostgres.freePort();
        UUID tenantId = UUID.randomUUID();

        try (ServiceProcess first = ServiceProcess.start("embedded-first", env, port, jms)) {
            Path tokenFile = dataDir.resolve("api-token");
            assertThat(Files.getPosixFilePermissions(tokenFile)).extracting(Object::toString)
                    .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
            assertThat(first.output()).contains("http://localhost:" + first.port()).contains(tokenFile.toString());
            ApiClient api = first.api().withToken(Files.readString(tokenFile).trim());
            ApiClient.Response accepted = api.post("/api/v1/tenants", request(tenantId));
            assertThat(accepted.status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/api/v1/tenants/" + tenantId)
                    .body().get("status").asText().equals("active"));
            first.kill();
        }
        assertThat(dataDir.resolve("postgres/postmaster.pid")).as("postgres outlived the killed service").exists();

        try (ServiceProcess second = ServiceProcess.start("embedded-second", env, port, jms)) {
            ApiClient api = second.api().withToken(Files.readString(dataDir.resolve("api-token")).trim());
            JsonNode tenant = api.get("/api/v1/tenants/" + tenantId).body();
            assertThat(tenant.get("status").asText()).isEqualTo("active");
            assertThat(second.output()).contains("left running by an earlier, killed instance")
                    .doesNotContain(Files.readString(dataDir.resolve("postgres-superuser.password")).trim())
                    .doesNotContain(Files.readString(dataDir.resolve("api-token")).trim());
            assertThat(second.terminate()).isLessThan(Duration.ofSeconds(30));
        }
        assertThat(dataDir.resolve("postgres/postmaster.pid")).as("a clean stop stops postgres too").doesNotExist();
    }

    private static String stepStatus(JsonNode operation, String step) {
        for (JsonNode candidate : operation.get("steps")) {
            if (candidate.get("name").asText().equals(step)) {
                return candidate.get("status").asText();
            }
        }
        throw new AssertionError("no step " + step + " in " + operation);
    }
}
