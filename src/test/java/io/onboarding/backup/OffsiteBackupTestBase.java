package io.onboarding.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.RunningService;
import io.onboarding.support.S3Server;
import io.onboarding.tenant.TenantNaming;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Backups with {@code storage_location: offsite} in an S3-compatible store run as a process of its
 * own, through the API: the object is the encrypted dump, verified, listed with its storage class,
 * restorable, expired by retention, in its region's bucket; a store that refuses or is down fails the
 * backup clearly. Each subclass runs all of it against one S3 implementation, with the service's
 * default settings for a store at an endpoint ({@code BACKUP_S3_CHECKSUMS} then {@code when_required},
 * {@code BACKUP_S3_STORAGE_CLASS} {@code STANDARD_IA}). Everything the class starts is stopped, and
 * everything it writes is under one temporary directory, deleted at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class OffsiteBackupTestBase {

    static final String DEFAULT_BUCKET = "backups-default";
    static final String EU_BUCKET = "backups-eu";
    /** Mapped for us-east-1, but never made in the store: every request for it is refused. */
    static final String MISSING_BUCKET = "backups-missing";

    S3Server store;
    RunningService service;
    ApiClient api;
    Catalog catalog;
    Path work;
    Path backupDir;
    private Path dataDir;

    /** The store, started on a free port with these buckets; all it writes under {@code directory}. */
    abstract S3Server startStore(Path directory, String... buckets) throws Exception;

    /** The control-plane database of this class. */
    abstract String platformDb();

    /** Whether a HEAD of the store returns the SHA-256 an upload sent (S3Mock does, s3rver does not). */
    abstract boolean reportsChecksums();

    /** No multipart upload is left open in the bucket. */
    abstract void assertNoOpenUploads(String bucket) throws IOException;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("offsite-backup-test");
        store = startStore(Files.createDirectories(work.resolve("store")), DEFAULT_BUCKET, EU_BUCKET);
        backupDir = Files.createDirectories(work.resolve("backups"));
        dataDir = Files.createDirectories(work.resolve("data"));
        restartService(Map.of());
    }

    @AfterAll
    void stop() throws IOException {
        try {
            if (service != null) {
                service.close();
            }
        } finally {
            if (store != null) {
                store.close();
            }
            if (work != null) {
                try (Stream<Path> paths = Files.walk(work)) {
                    for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(path);
                    }
                }
            }
        }
    }

    /** The settings of the offsite store every test starts from. */
    Map<String, String> settings() {
        return Map.ofEntries(
                Map.entry("onboarding.backup-dir", backupDir.toString()),
                Map.entry("onboarding.backup.retention-interval-ms", "1000"),
                Map.entry("onboarding.backup.s3.endpoint", store.endpoint()),
                Map.entry("onboarding.backup.s3.region", "us-east-1"),
                Map.entry("onboarding.backup.s3.bucket", DEFAULT_BUCKET),
                Map.entry("onboarding.backup.s3.buckets", "eu-west-1=" + EU_BUCKET + ",us-east-1=" + MISSING_BUCKET),
                Map.entry("onboarding.backup.s3.access-key-id", store.accessKey()),
                Map.entry("onboarding.backup.s3.secret-access-key", store.secretKey()),
                Map.entry("onboarding.backup.s3.part-size-mb", "5"));
    }

    /** The service (stopped first, if running) started on the same data and control plane, with {@link #settings()} and these. */
    void restartService(Map<String, String> changed) throws Exception {
        if (service != null) {
            service.close();
            service = null;
        }
        Map<String, String> settings = new HashMap<>(settings());
        settings.putAll(changed);
        service = RunningService.start(platformDb(), settings, dataDir);
        api = service.api();
        catalog = service.catalog();
    }

    /** Starting the service with these settings fails, with the message given; the service stays stopped. */
    void assertStartUpRefused(Map<String, String> changed, String naming) {
        if (service != null) {
            service.close();
            service = null;
        }
        Map<String, String> settings = new HashMap<>(settings());
        settings.putAll(changed);
        assertThatThrownBy(() -> RunningService.start(platformDb(), settings, dataDir)
                .close()).hasStackTraceContaining(naming);
    }

    UUID offsiteTenant(String region, String policy) {
        UUID tenantId = UUID.randomUUID();
        JsonNode operation = service.provision("""
                {"tenant_id":"%s","tenant_name":"Offsite %s","plan":"standard","region":"%s",
                 "backup_policy":{"storage_location":"offsite"%s}}"""
                .formatted(tenantId, tenantId.toString().substring(0, 8), region, policy));
        assertThat(operation.get("status").asText()).as(operation.toString()).isEqualTo("succeeded");
        return tenantId;
    }

    JsonNode backup(UUID tenantId) {
        ApiClient.Response accepted = api.post("/api/v1/tenants/" + tenantId + "/backups", "");
        assertThat(accepted.status()).isEqualTo(202);
        return service.awaitOperation(accepted.body().get("operation_id").asText());
    }

    List<JsonNode> backups(UUID tenantId) {
        List<JsonNode> items = new ArrayList<>();
        api.get("/api/v1/tenants/" + tenantId + "/backups").body().get("items").forEach(items::add);
        return items;
    }

    /** The backup restored into a new database, whose name is returned. */
    String restoredCopy(UUID tenantId, JsonNode backup) {
        ApiClient.Response accepted = api.post("/api/v1/tenants/" + tenantId + "/restore",
                "{\"backup_id\":\"" + backup.get("backup_id").asText() + "\"}");
        assertThat(accepted.status()).isEqualTo(202);
        JsonNode restored = service.awaitOperation(accepted.body().get("operation_id").asText());
        assertThat(restored.get("status").asText()).as(restored.toString()).isEqualTo("succeeded");
        return catalog.platform("SELECT parameters->>'target_database' FROM operations WHERE operation_id = ?::uuid",
                restored.get("operation_id").asText()).get(0);
    }

    /** The object's metadata, as the store reports it. */
    HeadObjectResponse head(String bucket, String key) {
        return store.client().headObject(h -> h.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED));
    }

    /** The SHA-256 (hex) of the object's bytes, downloaded. */
    String sha256Of(String bucket, String key) throws Exception {
        byte[] bytes = store.client().getObjectAsBytes(get -> get.bucket(bucket).key(key)).asByteArray();
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** The keys of the tenant's objects in a bucket, as the S3 API lists them. */
    List<String> objects(String bucket, UUID tenantId) {
        return store.client().listObjectsV2(list -> list.bucket(bucket).prefix(tenantId + "/")).contents().stream()
                .map(S3Object::key).toList();
    }

    static String key(String location, String bucket) {
        assertThat(location).startsWith("s3://" + bucket + "/");
        return location.substring(("s3://" + bucket + "/").length());
    }

    @Test
    @Order(1)
    void anOffsiteBackupIsAVerifiedEncryptedObjectListedWithItsStorageClassAndRestoresItsRows() throws Exception {
        UUID tenantId = offsiteTenant("local", "");
        String database = TenantNaming.databaseName(tenantId);
        catalog.execute(database, "INSERT INTO applications (name, team, created_by) VALUES ('billing', 'core', 'ops'), ('search', 'core', 'ops')");

        JsonNode done = backup(tenantId);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
        JsonNode item = backups(tenantId).get(0);
        assertThat(item.get("status").asText()).isEqualTo("succeeded");
        assertThat(item.get("storage_location").asText()).isEqualTo("offsite");
        assertThat(item.get("encrypted").asBoolean()).isTrue();
        // The default storage class, as the store reports it for the object.
        assertThat(item.get("storage_class").asText()).isEqualTo("STANDARD_IA");
        String key = key(item.get("location").asText(), DEFAULT_BUCKET);
        assertThat(head(DEFAULT_BUCKET, key).storageClassAsString()).isEqualTo("STANDARD_IA");
        assertThat(key).isEqualTo(tenantId + "/" + item.get("backup_id").asText() + ".dump.enc");
        assertThat(objects(DEFAULT_BUCKET, tenantId)).containsExactly(key);

        // Size and checksum as recorded; the bytes are the encrypted dump, which pg_restore cannot read.
        assertThat(store.client().headObject(head -> head.bucket(DEFAULT_BUCKET).key(key)).contentLength())
                .isEqualTo(item.get("size_bytes").asLong()).isPositive();
        byte[] bytes = store.client().getObjectAsBytes(get -> get.bucket(DEFAULT_BUCKET).key(key)).asByteArray();
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
                .isEqualTo(item.get("checksum_sha256").asText());
        assertThat(new String(bytes, 0, 5, StandardCharsets.US_ASCII)).isNotEqualTo("PGDMP");
        Path downloaded = Files.write(work.resolve("downloaded.dump"), bytes);
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
        catalog.execute(platformDb(), "UPDATE backups SET completed_at = completed_at - interval '21 days',"
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
        HeadObjectResponse head = head(DEFAULT_BUCKET, key);
        assertThat(head.contentLength()).isEqualTo(size);
        if (reportsChecksums()) {
            assertThat(head.checksumSHA256()).as("a composite checksum of its parts").matches(".+-[3-9]");
        }
        assertThat(head.storageClassAsString()).isEqualTo("STANDARD_IA");
        assertThat(item.get("storage_class").asText()).isEqualTo("STANDARD_IA");
        assertThat(sha256Of(DEFAULT_BUCKET, key)).isEqualTo(item.get("checksum_sha256").asText());
        assertNoOpenUploads(DEFAULT_BUCKET);

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

        store = store.restart();
        await().atMost(Duration.ofSeconds(60)).until(() -> pendingObjects(tenantId).equals("0"));
        assertThat(objects(DEFAULT_BUCKET, tenantId)).isEmpty();
        assertThat(backups(tenantId)).extracting(b -> b.get("status").asText()).containsExactly("failed");
    }

    String pendingObjects(UUID tenantId) {
        return catalog.platform("SELECT count(*) FROM backups WHERE tenant_id = ?::uuid AND pending_object IS NOT NULL",
                tenantId.toString()).get(0);
    }

    /** The backup failed with a clear error, metric 0, a backup.failed event, and nothing listed as a backup. */
    void assertFailedClearly(UUID tenantId, String why, String naming) {
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
