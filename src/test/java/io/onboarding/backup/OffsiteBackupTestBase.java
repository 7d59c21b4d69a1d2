package io.onboarding.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.RunningService;
import io.onboarding.support.S3MockProcess;
import io.onboarding.support.SecretsSeen;
import io.onboarding.tenant.TenantNaming;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Backups with {@code storage_location: offsite} in an S3-compatible store (Adobe S3Mock in its own
 * JVM), through the API: the object is the encrypted dump, verified, restorable, expired by
 * retention, in its region's bucket; a store that refuses or is down fails the backup clearly.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OffsiteBackupTest {

    private static final String DEFAULT_BUCKET = "backups-default";
    private static final String EU_BUCKET = "backups-eu";
    /** Mapped for us-east-1, but never made in the store: every request for it is refused. */
    private static final String MISSING_BUCKET = "backups-missing";
    private static final String PLATFORM_DB = "platform_offsite_test";

    private static S3MockProcess store;
    private static RunningService service;
    private static ApiClient api;
    private static Catalog catalog;
    private static Path backupDir;
    private static Path storeRoot;

    @BeforeAll
    static void start() throws Exception {
        storeRoot = Files.createTempDirectory("s3mock");
        store = S3MockProcess.start(storeRoot, DEFAULT_BUCKET, EU_BUCKET);
        backupDir = Files.createTempDirectory("backups");
        SecretsSeen.record(S3MockProcess.SECRET_KEY);
        service = RunningService.start(PLATFORM_DB, Map.ofEntries(
                Map.entry("onboarding.backup-dir", backupDir.toString()),
                Map.entry("onboarding.backup.retention-interval-ms", "1000"),
                Map.entry("onboarding.backup.s3.endpoint", store.endpoint()),
                Map.entry("onboarding.backup.s3.region", "us-east-1"),
                Map.entry("onboarding.backup.s3.bucket", DEFAULT_BUCKET),
                Map.entry("onboarding.backup.s3.buckets", "eu-west-1=" + EU_BUCKET + ",us-east-1=" + MISSING_BUCKET),
                Map.entry("onboarding.backup.s3.access-key-id", S3MockProcess.ACCESS_KEY),
                Map.entry("onboarding.backup.s3.secret-access-key", S3MockProcess.SECRET_KEY),
                Map.entry("onboarding.backup.s3.part-size-mb", "5")));
        api = service.api();
        catalog = service.catalog();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private static UUID offsiteTenant(String region, String policy) {
        UUID tenantId = UUID.randomUUID();
        JsonNode operation = service.provision("""
                {"tenant_id":"%s","tenant_name":"Offsite %s","plan":"standard","region":"%s",
                 "backup_policy":{"storage_location":"offsite"%s}}"""
                .formatted(tenantId, tenantId.toString().substring(0, 8), region, policy));
        assertThat(operation.get("status").asText()).as(operation.toString()).isEqualTo("succeeded");
        return tenantId;
    }

    private static JsonNode backup(UUID tenantId) {
        ApiClient.Response accepted = api.post("/api/v1/tenants/" + tenantId + "/backups", "");
        assertThat(accepted.status()).isEqualTo(202);
        return service.awaitOperation(accepted.body().get("operation_id").asText());
    }

    private static List<JsonNode> backups(UUID tenantId) {
        List<JsonNode> items = new ArrayList<>();
        api.get("/api/v1/tenants/" + tenantId + "/backups").body().get("items").forEach(items::add);
        return items;
    }

    /** The backup restored into a new database, whose name is returned. */
    private static String restoredCopy(UUID tenantId, JsonNode backup) {
        ApiClient.Response accepted = api.post("/api/v1/tenants/" + tenantId + "/restore",
                "{\"backup_id\":\"" + backup.get("backup_id").asText() + "\"}");
        assertThat(accepted.status()).isEqualTo(202);
        JsonNode restored = service.awaitOperation(accepted.body().get("operation_id").asText());
        assertThat(restored.get("status").asText()).as(restored.toString()).isEqualTo("succeeded");
        return catalog.platform("SELECT parameters->>'target_database' FROM operations WHERE operation_id = ?::uuid",
                restored.get("operation_id").asText()).get(0);
    }

    /** The keys of the tenant's objects in a bucket, as the S3 API lists them. */
    private static List<String> objects(String bucket, UUID tenantId) {
        return store.client().listObjectsV2(list -> list.bucket(bucket).prefix(tenantId + "/")).contents().stream()
                .map(S3Object::key).toList();
    }

    private static String key(String location, String bucket) {
        assertThat(location).startsWith("s3://" + bucket + "/");
        return location.substring(("s3://" + bucket + "/").length());
    }

    @Test
    @Order(1)
    void anOffsiteBackupIsAVerifiedEncryptedObjectAndRestoresItsRows() throws Exception {
        UUID tenantId = offsiteTenant("local", "");
        String database = TenantNaming.databaseName(tenantId);
        catalog.execute(database, "INSERT INTO applications (name, team, created_by) VALUES ('billing', 'core', 'ops'), ('search', 'core', 'ops')");

        JsonNode done = backup(tenantId);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
        JsonNode item = backups(tenantId).get(0);
        assertThat(item.get("status").asText()).isEqualTo("succeeded");
        assertThat(item.get("storage_location").asText()).isEqualTo("offsite");
        assertThat(item.get("encrypted").asBoolean()).isTrue();
        String key = key(item.get("location").asText(), DEFAULT_BUCKET);
        assertThat(key).isEqualTo(tenantId + "/" + item.get("backup_id").asText() + ".dump.enc");
        assertThat(objects(DEFAULT_BUCKET, tenantId)).containsExactly(key);

        // Size and checksum as recorded; the bytes are the encrypted dump, which pg_restore cannot read.
        assertThat(store.client().headObject(head -> head.bucket(DEFAULT_BUCKET).key(key)).contentLength())
                .isEqualTo(item.get("size_bytes").asLong()).isPositive();
        byte[] bytes = store.client().getObjectAsBytes(get -> get.bucket(DEFAULT_BUCKET).key(key)).asByteArray();
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
                .isEqualTo(item.get("checksum_sha256").asText());
        assertThat(new String(bytes, 0, 5, StandardCharsets.US_ASCII)).isNotEqualTo("PGDMP");
        Path downloaded = Files.write(Files.createTempFile("offsite", ".dump"), bytes);
        Process list = new ProcessBuilder("pg_restore", "--list", downloaded.toString()).redirectErrorStream(true).start();
        list.getInputStream().readAllBytes();
        assertThat(list.waitFor()).as("pg_restore --list on the downloaded object").isNotZero();
        // Nothing of it stays on the host.
        try (var files = Files.list(backupDir.resolve("offsite").resolve(tenantId.toString()))) {
            assertThat(files).isEmpty();
        }
        assertThat(api.metric("backup_job_success{database=\"" + database + "\"}")).isEqualTo(1.0);

        String target = restoredCopy(tenantId, item);
        assertThat(catalog.column(target, "SELECT name FROM applications ORDER BY name"))
                .containsExactly("billing", "search");
    }

    @Test
    @Order(2)
    void aRegionMappedToAnotherBucketBacksUpThere() {
        UUID tenantId = offsiteTenant("eu-west-1", "");
        assertThat(backup(tenantId).get("status").asText()).isEqualTo("succeeded");
        String key = key(backups(tenantId).get(0).get("location").asText(), EU_BUCKET);
        assertThat(objects(EU_BUCKET, tenantId)).containsExactly(key);
        assertThat(objects(DEFAULT_BUCKET, tenantId)).isEmpty();
    }

    @Test
    @Order(3)
    void retentionDeletesTheObjectsOfOldBackups() {
        UUID tenantId = offsiteTenant("local", ",\"retention_days\":1");
        for (int i = 0; i < 3; i++) {
            assertThat(backup(tenantId).get("status").asText()).isEqualTo("succeeded");
        }
        List<JsonNode> made = backups(tenantId);
        assertThat(objects(DEFAULT_BUCKET, tenantId)).hasSize(3);
        // Three weeks pass.
        catalog.execute(PLATFORM_DB, "UPDATE backups SET completed_at = completed_at - interval '21 days',"
                + " started_at = started_at - interval '21 days' WHERE tenant_id = '" + tenantId + "'");
        await().atMost(Duration.ofSeconds(60)).until(() -> backups(tenantId).size() == 1);
        String newest = key(made.get(0).get("location").asText(), DEFAULT_BUCKET);
        assertThat(backups(tenantId).get(0).get("location").asText()).isEqualTo(made.get(0).get("location").asText());
        assertThat(objects(DEFAULT_BUCKET, tenantId)).containsExactly(newest);
    }

    @Test
    @Order(4)
    void aDumpLargerThanOnePartIsUploadedInVerifiedPartsAndRestores() throws Exception {
        UUID tenantId = offsiteTenant("local", "");
        String database = TenantNaming.databaseName(tenantId);
        // About 16 MB after pg_dump's compression: hex digits of random numbers.
        catalog.execute(database, "CREATE TABLE samples AS SELECT i, md5(random()::text) || md5(random()::text)"
                + " || md5(random()::text) AS v FROM generate_series(1, 300000) i");

        JsonNode done = backup(tenantId);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
        JsonNode item = backups(tenantId).get(0);
        String key = key(item.get("location").asText(), DEFAULT_BUCKET);
        long size = item.get("size_bytes").asLong();
        assertThat(size).as("more than two 5 MiB parts").isGreaterThan(10L * 1024 * 1024);
        var head = store.client().headObject(h -> h.bucket(DEFAULT_BUCKET).key(key)
                .checksumMode(software.amazon.awssdk.services.s3.model.ChecksumMode.ENABLED));
        assertThat(head.contentLength()).isEqualTo(size);
        assertThat(head.checksumSHA256()).as("a composite checksum of its parts").matches(".+-[3-9]");
        byte[] bytes = store.client().getObjectAsBytes(get -> get.bucket(DEFAULT_BUCKET).key(key)).asByteArray();
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
                .isEqualTo(item.get("checksum_sha256").asText());
        assertThat(store.client().listMultipartUploads(list -> list.bucket(DEFAULT_BUCKET)).uploads())
                .as("no upload left open").isEmpty();

        String target = restoredCopy(tenantId, item);
        assertThat(catalog.value(target, "SELECT count(*) || ' ' || md5(string_agg(v, '' ORDER BY i)) FROM samples"))
                .isEqualTo(catalog.value(database, "SELECT count(*) || ' ' || md5(string_agg(v, '' ORDER BY i))"
                        + " FROM samples"));
    }

    @Test
    @Order(5)
    void aStoreThatRefusesTheUploadFailsTheBackupClearly() {
        UUID tenantId = offsiteTenant("us-east-1", "");
        assertFailedClearly(tenantId, "refused", MISSING_BUCKET);
        assertThat(objects(DEFAULT_BUCKET, tenantId)).isEmpty();
        assertThat(objects(EU_BUCKET, tenantId)).isEmpty();
        assertThat(pendingObjects(tenantId)).as("the refused object needs no clean-up").isEqualTo("0");
    }

    /** Last: the store is stopped, then started again. */
    @Test
    @Order(99)
    void aStoreThatIsDownFailsTheBackupClearlyAndItsObjectIsCleanedUpWhenItIsBack() throws Exception {
        UUID tenantId = offsiteTenant("local", "");
        store.close();
        assertFailedClearly(tenantId, "unreachable", store.endpoint());
        // Whether the upload wrote anything is unknown: the object stays recorded until it can be deleted.
        assertThat(pendingObjects(tenantId)).isEqualTo("1");

        store = S3MockProcess.start(store.port(), storeRoot, DEFAULT_BUCKET, EU_BUCKET);
        await().atMost(Duration.ofSeconds(60)).until(() -> pendingObjects(tenantId).equals("0"));
        assertThat(objects(DEFAULT_BUCKET, tenantId)).isEmpty();
        assertThat(backups(tenantId)).extracting(b -> b.get("status").asText()).containsExactly("failed");
    }

    private static String pendingObjects(UUID tenantId) {
        return catalog.platform("SELECT count(*) FROM backups WHERE tenant_id = ?::uuid AND pending_object IS NOT NULL",
                tenantId.toString()).get(0);
    }

    /** The backup failed with a clear error, metric 0, a backup.failed event, and nothing listed as a backup. */
    private static void assertFailedClearly(UUID tenantId, String why, String naming) {
        String database = TenantNaming.databaseName(tenantId);
        JsonNode failed = backup(tenantId);
        assertThat(failed.get("status").asText()).as(failed.toString()).isEqualTo("failed");
        assertThat(failed.get("compensated").asBoolean()).as(failed.toString()).isTrue();
        assertThat(failed.get("error").asText()).contains("offsite store").contains(why).contains(naming);
        List<JsonNode> listed = backups(tenantId);
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("status").asText()).isEqualTo("failed");
        assertThat(listed.get(0).hasNonNull("location")).as(listed.toString()).isFalse();
        assertThat(listed.get(0).get("error").asText()).contains("offsite store");
        assertThat(api.metric("backup_job_success{database=\"" + database + "\"}")).isEqualTo(0.0);
        await().atMost(Duration.ofSeconds(30)).until(() -> catalog.platform("SELECT count(*) FROM audit_log"
                + " WHERE action = 'backup.failed' AND tenant_id = ?::uuid", tenantId.toString()).equals(List.of("1")));
        try (var files = Files.list(backupDir.resolve("offsite").resolve(tenantId.toString()))) {
            assertThat(files).as("no partial dump left on the host").isEmpty();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
