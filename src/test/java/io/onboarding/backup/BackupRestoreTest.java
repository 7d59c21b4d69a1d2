package io.onboarding.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.postgres.ClusterLockdown;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.RunningService;
import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantRole;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Backups through the API, checked on disk, with the real pg_restore, and restored back. */
class BackupRestoreTest {

    private static RunningService service;
    private static ApiClient api;
    private static Catalog catalog;
    private static Path backupDir;

    @BeforeAll
    static void start() throws Exception {
        backupDir = Files.createTempDirectory("backups");
        // Schedules every 2 s, at most 3 backups per tenant, a destroyed tenant's backups kept 2 s.
        service = RunningService.start("platform_backup_test", Map.of("onboarding.backup-dir", backupDir.toString(),
                "onboarding.backup.retention-interval-ms", "1000", "onboarding.monitoring.collect-interval-ms", "500",
                "onboarding.backup.min-schedule-interval-seconds", "1", "onboarding.backup.max-backups-per-tenant", "3",
                "onboarding.backup.final-retention", "PT2S"));
        api = service.api();
        catalog = service.catalog();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static UUID tenant(String backupPolicy) {
        UUID tenantId = UUID.randomUUID();
        JsonNode operation = service.provision("""
                {"tenant_id":"%s","tenant_name":"Backed %s","plan":"standard","region":"local"%s}"""
                .formatted(tenantId, tenantId.toString().substring(0, 8),
                        backupPolicy == null ? "" : ",\"backup_policy\":" + backupPolicy));
        assertThat(operation.get("status").asText()).isEqualTo("succeeded");
        return tenantId;
    }

    private static JsonNode backup(UUID tenantId) {
        ApiClient.Response accepted = api.post("/api/v1/tenants/" + tenantId + "/backups", "");
        assertThat(accepted.status()).isEqualTo(202);
        return service.awaitOperation(accepted.body().get("operation_id").asText());
    }

    private static JsonNode restore(UUID tenantId, String body) {
        ApiClient.Response accepted = api.post("/api/v1/tenants/" + tenantId + "/restore", body);
        assertThat(accepted.status()).as(String.valueOf(accepted.body())).isEqualTo(202);
        return service.awaitOperation(accepted.body().get("operation_id").asText());
    }

    private static List<JsonNode> backups(UUID tenantId) {
        List<JsonNode> items = new ArrayList<>();
        api.get("/api/v1/tenants/" + tenantId + "/backups").body().get("items").forEach(items::add);
        return items;
    }

    @Test
    void aManualBackupIsEncryptedAndRestoresItsRowsIntoANewDatabase() throws Exception {
        UUID tenantId = tenant(null);
        String database = TenantNaming.databaseName(tenantId);
        catalog.execute(database, "INSERT INTO applications (name, description, team, created_by) VALUES ('billing', 'bills', 'core', 'ops'),"
                + " ('search', 'finds', 'core', 'ops')");

        assertThat(backup(tenantId).get("status").asText()).isEqualTo("succeeded");
        JsonNode item = backups(tenantId).get(0);
        assertThat(item.get("kind").asText()).isEqualTo("manual");
        assertThat(item.get("status").asText()).isEqualTo("succeeded");
        assertThat(item.get("encrypted").asBoolean()).isTrue();
        Path file = Path.of(item.get("location").asText());
        assertThat(file).startsWith(backupDir.resolve("local").resolve(tenantId.toString()));
        assertThat(Files.size(file)).isEqualTo(item.get("size_bytes").asLong()).isPositive();
        // Not a pg_dump file any more: no PGDMP header, and pg_restore cannot read it.
        byte[] head = new byte[5];
        try (var in = Files.newInputStream(file)) {
            assertThat(in.read(head)).isEqualTo(5);
        }
        assertThat(new String(head, StandardCharsets.US_ASCII)).isNotEqualTo("PGDMP");
        Process list = new ProcessBuilder("pg_restore", "--list", file.toString()).redirectErrorStream(true).start();
        list.getInputStream().readAllBytes();
        assertThat(list.waitFor()).as("pg_restore --list on the encrypted file").isNotZero();
        assertThat(api.metric("backup_job_success{database=\"" + database + "\"}")).isEqualTo(1.0);

        JsonNode restored = restore(tenantId, "{\"backup_id\":\"" + item.get("backup_id").asText() + "\"}");
        assertThat(restored.get("status").asText()).as(restored.toString()).isEqualTo("succeeded");
        String target = catalog.platform("SELECT parameters->>'target_database' FROM operations WHERE operation_id = ?::uuid",
                restored.get("operation_id").asText()).get(0);
        assertThat(target).startsWith(database + "_r");
        assertThat(catalog.column(target, "SELECT name FROM applications ORDER BY name"))
                .containsExactly("billing", "search");
        // Ownership and grants as after provisioning.
        String admin = TenantNaming.roleName(tenantId, TenantRole.TENANT_ADMIN);
        assertThat(catalog.value("postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?", target))
                .isEqualTo(ClusterLockdown.DATABASE_OWNER);
        assertThat(catalog.column(target, "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"))
                .containsExactly(admin);
        String developer = TenantNaming.roleName(tenantId, TenantRole.DEVELOPER);
        assertThat(catalog.value(target, "SELECT has_table_privilege(?, 'applications', 'SELECT')"
                + " || ' ' || has_table_privilege(?, 'applications', 'INSERT')", developer, developer))
                .isEqualTo("true false");
        assertThat(catalog.value("postgres", "SELECT count(*) FROM pg_database d, aclexplode(d.datacl) a"
                + " WHERE d.datname = ? AND a.grantee = 0", target)).isEqualTo("0");
    }

    @Test
    void aRestoreInPlaceTakesASafetyBackupFirst() {
        UUID tenantId = tenant(null);
        String database = TenantNaming.databaseName(tenantId);
        catalog.execute(database, "INSERT INTO applications (name, team, created_by) VALUES ('before', 'core', 'ops')");
        backup(tenantId);
        String backupId = backups(tenantId).get(0).get("backup_id").asText();
        catalog.execute(database, "INSERT INTO applications (name, team, created_by) VALUES ('after', 'core', 'ops')");

        JsonNode restored = restore(tenantId, "{\"backup_id\":\"" + backupId + "\",\"target_database\":\"" + database + "\"}");
        assertThat(restored.get("status").asText()).as(restored.toString()).isEqualTo("succeeded");
        List<String> steps = new ArrayList<>();
        restored.get("steps").forEach(step -> steps.add(step.get("name").asText() + ":" + step.get("status").asText()));
        assertThat(steps).containsExactly("take-safety-backup:done", "restore-backup:done",
                "switch-to-restored-database:done", "migrate-restored-tenant-schema:done");
        assertThat(catalog.column(database, "SELECT name FROM applications")).containsExactly("before");
        assertThat(backups(tenantId)).hasSize(2);
        assertThat(catalog.databaseExists(database + "_restoring")).isFalse();
    }

    @Test
    void aScheduleOfEveryFewSecondsProducesBackupsAndMetrics() {
        UUID tenantId = tenant("{\"schedule\":\"0/2 * * * * ?\"}");
        String database = TenantNaming.databaseName(tenantId);
        await().atMost(Duration.ofSeconds(30)).until(() -> backups(tenantId).stream()
                .filter(b -> b.get("kind").asText().equals("scheduled") && b.get("status").asText().equals("succeeded"))
                .count() >= 2);
        assertThat(api.metric("backup_job_success{database=\"" + database + "\"}")).isEqualTo(1.0);
        assertThat(api.metric("backup_last_success_timestamp_seconds{database=\"" + database + "\"}"))
                .isGreaterThan(System.currentTimeMillis() / 1000.0 - 60);
        assertThat(api.metric("backup_size_bytes{database=\"" + database + "\"}")).isPositive();
        // Back to a daily schedule: a dump every 2 s would load the rest of the class's tests. While one of
        // those dumps runs the tenant is busy (409, one operation at a time): asked again until accepted.
        ApiClient.Response daily = await().atMost(Duration.ofSeconds(60)).until(() -> api.patch(
                "/api/v1/tenants/" + tenantId, "{\"backup_policy\":{\"schedule\":\"0 3 * * *\"}}"),
                reply -> reply.status() != 409);
        assertThat(daily.status()).as(String.valueOf(daily.body())).isEqualTo(202);
        assertThat(service.awaitOperation(daily.body().get("operation_id").asText()).get("status").asText())
                .isEqualTo("succeeded");
    }

    @Test
    void retentionRemovesOldBackupsButKeepsTheNewest() throws Exception {
        UUID tenantId = tenant("{\"retention_days\":1}");
        for (int i = 0; i < 3; i++) {
            backup(tenantId);
        }
        List<JsonNode> made = backups(tenantId);
        assertThat(made).hasSize(3);
        // Three weeks pass.
        catalog.execute("platform_backup_test", "UPDATE backups SET completed_at = completed_at - interval '21 days',"
                + " started_at = started_at - interval '21 days' WHERE tenant_id = '" + tenantId + "'");
        await().atMost(Duration.ofSeconds(30)).until(() -> backups(tenantId).size() == 1);
        String newest = made.get(0).get("location").asText();
        assertThat(backups(tenantId).get(0).get("location").asText()).isEqualTo(newest);
        assertThat(Path.of(newest)).exists();
        assertThat(Path.of(made.get(1).get("location").asText())).doesNotExist();
        assertThat(Path.of(made.get(2).get("location").asText())).doesNotExist();
    }

    @Test
    void aFailingBackupIsRecordedAndSetsTheMetricToZero() throws Exception {
        UUID tenantId = tenant(null);
        String database = TenantNaming.databaseName(tenantId);
        backup(tenantId);
        assertThat(api.metric("backup_job_success{database=\"" + database + "\"}")).isEqualTo(1.0);
        catalog.execute("postgres", "DROP DATABASE " + database + " WITH (FORCE)");

        JsonNode failed = backup(tenantId);
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.get("compensated").asBoolean()).isTrue();
        assertThat(failed.get("error").asText()).contains("pg_dump failed").contains(database);
        JsonNode latest = backups(tenantId).get(0);
        assertThat(latest.get("status").asText()).isEqualTo("failed");
        assertThat(latest.get("error").asText()).contains(database);
        assertThat(api.metric("backup_job_success{database=\"" + database + "\"}")).isEqualTo(0.0);
        try (var files = Files.list(backupDir.resolve("local").resolve(tenantId.toString()))) {
            assertThat(files.map(Path::toString).filter(name -> name.endsWith(".partial"))).isEmpty();
        }
    }

    @Test
    void aHighLevelBackupCannotBeReadOnceItsKeyIsGone() {
        UUID tenantId = tenant("{\"encryption_level\":\"high\"}");
        backup(tenantId);
        JsonNode item = backups(tenantId).get(0);
        assertThat(item.get("encryption_level").asText()).isEqualTo("high");
        // What destroying the tenant does to its key: crypto-shredding.
        catalog.execute("platform_backup_test", "DELETE FROM secrets WHERE path = 'platform/backup-keys/" + tenantId + "'");
        JsonNode restored = restore(tenantId, "{\"backup_id\":\"" + item.get("backup_id").asText() + "\"}");
        assertThat(restored.get("status").asText()).isEqualTo("failed");
        assertThat(restored.get("compensated").asBoolean()).isTrue();
        assertThat(restored.get("error").asText()).contains("no longer exists");
    }

    @Test
    void aStandardBackupUsesTheTenantsOwnDataKeyAndCannotBeReadOnceItIsShredded() {
        UUID tenantId = tenant(null);
        backup(tenantId);
        JsonNode item = backups(tenantId).get(0);
        assertThat(item.get("encryption_level").asText()).isEqualTo("standard");
        String dataKey = "platform/backup-data-keys/" + tenantId;
        assertThat(catalog.platform("SELECT count(*) FROM secrets WHERE path = ?", dataKey)).containsExactly("1");
        // The key is stored wrapped by the platform key, never as a plain keyset.
        assertThat(catalog.platform("SELECT count(*) FROM secrets WHERE path = 'platform/backup-wrapping-key'"))
                .containsExactly("1");
        catalog.execute("platform_backup_test", "DELETE FROM secrets WHERE path = '" + dataKey + "'");
        JsonNode restored = restore(tenantId, "{\"backup_id\":\"" + item.get("backup_id").asText() + "\"}");
        assertThat(restored.get("status").asText()).isEqualTo("failed");
        assertThat(restored.get("compensated").asBoolean()).isTrue();
        assertThat(restored.get("error").asText()).contains("no longer exists");
    }

    @Test
    void aDestroyedTenantsBackupsGoAfterTheFinalRetentionAndItsKeyWithThem() {
        UUID tenantId = UUID.randomUUID();
        String name = "Gone " + tenantId.toString().substring(0, 8);
        assertThat(service.provision("""
                {"tenant_id":"%s","tenant_name":"%s","plan":"standard","region":"local"}""".formatted(tenantId, name))
                .get("status").asText()).isEqualTo("succeeded");
        backup(tenantId);
        ApiClient.Response accepted = api.delete("/api/v1/tenants/" + tenantId + "?confirm=" + name.replace(" ", "%20"));
        assertThat(accepted.status()).isEqualTo(202);
        JsonNode destroyed = service.awaitOperation(accepted.body().get("operation_id").asText());
        assertThat(destroyed.get("status").asText()).as(destroyed.toString()).isEqualTo("succeeded");
        List<String> files = catalog.platform("SELECT location FROM backups WHERE tenant_id = ?::uuid",
                tenantId.toString());
        assertThat(catalog.platform("SELECT kind FROM backups WHERE tenant_id = ?::uuid ORDER BY started_at",
                tenantId.toString())).containsExactly("manual", "final");

        await().atMost(Duration.ofSeconds(30)).until(() -> catalog.platform(
                "SELECT count(*) FROM backups WHERE tenant_id = ?::uuid AND status <> 'expired'",
                tenantId.toString()).equals(List.of("0")));
        assertThat(files).allSatisfy(file -> assertThat(Path.of(file)).doesNotExist());
        assertThat(catalog.platform("SELECT count(*) FROM secrets WHERE path = ?", "platform/backup-data-keys/" + tenantId))
                .containsExactly("0");
    }

    @Test
    void noTenantKeepsMoreBackupsThanTheCap() {
        UUID tenantId = tenant("{\"retention_days\":30}");
        for (int i = 0; i < 4; i++) {
            backup(tenantId);
        }
        String newest = catalog.platform("SELECT backup_id::text FROM backups WHERE tenant_id = ?::uuid"
                + " ORDER BY completed_at DESC LIMIT 1", tenantId.toString()).get(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> backups(tenantId).size() == 3);
        assertThat(backups(tenantId).get(0).get("backup_id").asText()).isEqualTo(newest);
    }

    @Test
    void badPoliciesAndRestoreRequestsAre400() {
        ApiClient.Response cron = api.post("/api/v1/tenants", """
                {"tenant_name":"Cron x","plan":"free","region":"local","backup_policy":{"schedule":"61 * * * *"}}""");
        assertThat(cron.status()).isEqualTo(400);
        assertThat(cron.body().get("error").get("details").get(0).get("field").asText()).isEqualTo("backup_policy.schedule");
        ApiClient.Response incremental = api.post("/api/v1/tenants", """
                {"tenant_name":"Incr x","plan":"free","region":"local","backup_policy":{"backup_type":"incremental"}}""");
        assertThat(incremental.status()).isEqualTo(400);
        assertThat(incremental.body().get("error").get("details").get(0).get("message").asText()).contains("pg_dump");

        UUID tenantId = tenant(null);
        assertThat(api.post("/api/v1/tenants/" + tenantId + "/restore", "{\"backup_id\":\"" + UUID.randomUUID() + "\"}")
                .body().get("error").get("details").get(0).get("field").asText()).isEqualTo("backup_id");
        backup(tenantId);
        String backupId = backups(tenantId).get(0).get("backup_id").asText();
        assertThat(api.post("/api/v1/tenants/" + tenantId + "/restore", "{\"backup_id\":\"" + backupId
                + "\",\"target_database\":\"Robert'); DROP TABLE x;--\"}").body().get("error").get("details").get(0)
                .get("field").asText()).isEqualTo("target_database");
        assertThat(api.post("/api/v1/tenants/" + tenantId + "/restore", "{\"backup_id\":\"" + backupId
                + "\",\"target_database\":\"postgres\"}").status()).isEqualTo(400);
    }
}
