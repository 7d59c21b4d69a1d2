package io.onboarding.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.S3Server;
import io.onboarding.support.S3rverProcess;
import io.onboarding.tenant.TenantNaming;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@link OffsiteBackupTestBase} against s3rver 3.7.1 (npm; Node.js, written without the AWS SDK), a
 * store that does not understand {@code aws-chunked} bodies: it keeps the chunk framing as part of
 * the object. Everything in the base class passes with the default for a store at an endpoint,
 * {@code BACKUP_S3_CHECKSUMS=when_required}; here {@code when_supported} (the SDK's default) is shown
 * to corrupt the upload, which our size check catches, and {@code when_required} set explicitly to
 * keep the dump exact. Also: a storage class the store refuses fails the backup naming the setting,
 * and bad values of both settings stop start-up naming the variable.
 */
class OffsiteBackupS3rverTest extends OffsiteBackupTestBase {

    @Override
    S3Server startStore(Path directory, String... buckets) throws Exception {
        // s3rver's fixed credentials are public defaults, not secrets: not recorded for LogHygieneIT.
        return S3rverProcess.start(directory, buckets);
    }

    @Override
    String platformDb() {
        return "platform_offsite_s3rver_test";
    }

    @Override
    boolean reportsChecksums() {
        return false;
    }

    /** s3rver has no ListMultipartUploads: its upload directories on disk must be gone. */
    @Override
    void assertNoOpenUploads(String bucket) throws IOException {
        try (Stream<Path> paths = Files.walk(store.storeDirectory().resolve(bucket))) {
            assertThat(paths.filter(Files::isRegularFile).map(Path::toString).filter(p -> p.contains("_S3rver_uploads")))
                    .as("no upload left open").isEmpty();
        }
    }

    @Test
    @Order(50)
    void withTheSdksDefaultChecksumsTheStoreKeepsAwsChunkedFramingAndTheSizeCheckFailsTheBackup() throws Exception {
        restartService(Map.of("onboarding.backup.s3.checksums", "when_supported"));
        UUID tenantId = offsiteTenant("local", "");
        JsonNode failed = backup(tenantId);
        assertThat(failed.get("status").asText()).as(failed.toString()).isEqualTo("failed");
        assertThat(failed.get("compensated").asBoolean()).as(failed.toString()).isTrue();
        assertThat(failed.get("error").asText()).contains("offsite store " + store.endpoint())
                .containsPattern("reports \\d+ bytes, \\d+ were sent; the object was deleted")
                .contains("BACKUP_S3_CHECKSUMS=when_required");
        List<JsonNode> listed = backups(tenantId);
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("status").asText()).isEqualTo("failed");
        assertThat(listed.get(0).hasNonNull("location")).isFalse();
        assertThat(listed.get(0).hasNonNull("storage_class")).isFalse();
        assertThat(objects(DEFAULT_BUCKET, tenantId)).as("the corrupt object was deleted").isEmpty();
        assertThat(pendingObjects(tenantId)).isEqualTo("0");

        // The same tenant, with when_required set explicitly: the object is the dump, byte for byte.
        restartService(Map.of("onboarding.backup.s3.checksums", "when_required"));
        String database = TenantNaming.databaseName(tenantId);
        catalog.execute(database, "INSERT INTO applications (name, team, created_by) VALUES ('ledger', 'core', 'ops')");
        JsonNode done = backup(tenantId);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
        JsonNode item = backups(tenantId).get(0);
        String key = key(item.get("location").asText(), DEFAULT_BUCKET);
        assertThat(objects(DEFAULT_BUCKET, tenantId)).containsExactly(key);
        assertThat(head(DEFAULT_BUCKET, key).contentLength()).isEqualTo(item.get("size_bytes").asLong());
        assertThat(sha256Of(DEFAULT_BUCKET, key)).isEqualTo(item.get("checksum_sha256").asText());
        assertThat(item.get("storage_class").asText()).isEqualTo("STANDARD_IA");
        assertThat(catalog.column(restoredCopy(tenantId, item), "SELECT name FROM applications"))
                .containsExactly("ledger");
    }

    @Test
    @Order(51)
    void aStorageClassTheStoreRefusesFailsTheBackupNamingTheSetting() throws Exception {
        // GLACIER_IR is one of the SDK's classes, and not one of s3rver's.
        restartService(Map.of("onboarding.backup.s3.storage-class", "GLACIER_IR"));
        try {
            UUID tenantId = offsiteTenant("local", "");
            JsonNode failed = backup(tenantId);
            assertThat(failed.get("status").asText()).as(failed.toString()).isEqualTo("failed");
            assertThat(failed.get("error").asText()).contains("refused").contains("InvalidStorageClass (HTTP 400)")
                    .contains("GLACIER_IR (BACKUP_S3_STORAGE_CLASS)");
            assertThat(backups(tenantId)).extracting(b -> b.get("status").asText()).containsExactly("failed");
            assertThat(objects(DEFAULT_BUCKET, tenantId)).isEmpty();
        } finally {
            restartService(Map.of());
        }
    }

    @Test
    @Order(52)
    void badValuesStopStartUpNamingTheVariable() throws Exception {
        try {
            assertStartUpRefused(Map.of("onboarding.backup.s3.checksums", "sometimes"),
                    "BACKUP_S3_CHECKSUMS (onboarding.backup.s3.checksums) must be when_required or when_supported,"
                            + " not 'sometimes'");
            assertStartUpRefused(Map.of("onboarding.backup.s3.storage-class", "COLD"),
                    "BACKUP_S3_STORAGE_CLASS (onboarding.backup.s3.storage-class) must be one of");
            assertStartUpRefused(Map.of("onboarding.backup.s3.storage-class", "DEEP_ARCHIVE"),
                    "DEEP_ARCHIVE objects cannot be read until a restore request has brought them back");
        } finally {
            restartService(Map.of());
        }
    }
}
