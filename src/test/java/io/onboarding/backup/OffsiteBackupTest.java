package io.onboarding.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.S3MockProcess;
import io.onboarding.support.S3Server;
import io.onboarding.support.SecretsSeen;
import io.onboarding.tenant.TenantNaming;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@link OffsiteBackupTestBase} against Adobe S3Mock 4.11 (its executable jar in a JVM of its own),
 * which understands {@code aws-chunked} bodies and checks and returns {@code x-amz-checksum-sha256}:
 * here the composite checksum of a multipart upload is compared too, and the SDK's
 * {@code when_supported} checksums work as well as the default {@code when_required}.
 */
class OffsiteBackupTest extends OffsiteBackupTestBase {

    @Override
    S3Server startStore(Path directory, String... buckets) throws Exception {
        SecretsSeen.record(S3MockProcess.SECRET_KEY);
        return S3MockProcess.start(directory, buckets);
    }

    @Override
    String platformDb() {
        return "platform_offsite_test";
    }

    @Override
    boolean reportsChecksums() {
        return true;
    }

    @Override
    void assertNoOpenUploads(String bucket) {
        assertThat(store.client().listMultipartUploads(list -> list.bucket(bucket)).uploads())
                .as("no upload left open").isEmpty();
    }

    /** A store that understands aws-chunked takes the SDK's default checksums too; the listing shows the class asked for. */
    @Test
    @Order(50)
    void withTheSdksDefaultChecksumsAndAnotherStorageClassAStoreThatUnderstandsAwsChunkedKeepsTheExactDump()
            throws Exception {
        restartService(Map.of("onboarding.backup.s3.checksums", "when_supported",
                "onboarding.backup.s3.storage-class", "onezone_ia"));
        try {
            UUID tenantId = offsiteTenant("local", "");
            String database = TenantNaming.databaseName(tenantId);
            catalog.execute(database, "INSERT INTO applications (name, team, created_by) VALUES ('ledger', 'core', 'ops')");
            JsonNode done = backup(tenantId);
            assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
            JsonNode item = backups(tenantId).get(0);
            String key = key(item.get("location").asText(), DEFAULT_BUCKET);
            assertThat(item.get("storage_class").asText()).isEqualTo("ONEZONE_IA");
            assertThat(head(DEFAULT_BUCKET, key).storageClassAsString()).isEqualTo("ONEZONE_IA");
            assertThat(head(DEFAULT_BUCKET, key).contentLength()).isEqualTo(item.get("size_bytes").asLong());
            assertThat(sha256Of(DEFAULT_BUCKET, key)).isEqualTo(item.get("checksum_sha256").asText());
            assertThat(catalog.column(restoredCopy(tenantId, item), "SELECT name FROM applications"))
                    .containsExactly("ledger");
        } finally {
            restartService(Map.of());
        }
    }
}
