package io.onboarding.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onboarding.support.QuickTest;
import org.junit.jupiter.api.Test;

/** How the offsite store's settings are read, and what stops start-up. */
@QuickTest
class ObjectStoreSettingsTest {

    private static ObjectStoreSettings settings(String bucket, String buckets) {
        return ObjectStoreSettings.of("http://127.0.0.1:9090", "", bucket, buckets, "key-id", "secret-key", 64);
    }

    @Test
    void withoutABucketTheStoreIsOff() {
        assertThat(ObjectStoreSettings.of("", "", "", "", "", "", 64).enabled()).isFalse();
        assertThat(settings("", "").enabled()).isFalse();
        assertThat(settings("backups", "").enabled()).isTrue();
        assertThat(settings("", "eu-west-1=backups-eu").enabled()).isTrue();
    }

    @Test
    void eachRegionHasItsBucketAndTheOthersTheDefault() {
        ObjectStoreSettings settings = settings("backups", " eu-west-1 = backups-eu , us-east-1=backups-us,");
        assertThat(settings.bucketFor("eu-west-1")).isEqualTo("backups-eu");
        assertThat(settings.bucketFor("us-east-1")).isEqualTo("backups-us");
        assertThat(settings.bucketFor("local")).isEqualTo("backups");
        assertThat(settings.signingRegion()).isEqualTo("us-east-1");
        assertThatThrownBy(() -> settings("", "eu-west-1=backups-eu").bucketFor("local"))
                .hasMessageContaining("no offsite bucket for region local");
    }

    @Test
    void aBadSettingStopsStartUpNamingIt() {
        assertThatThrownBy(() -> settings("", "eu-west-1")).hasMessageContaining("onboarding.backup.s3.buckets")
                .hasMessageContaining("region=bucket");
        assertThatThrownBy(() -> settings("", "eu-west-1=a-b,eu-west-1=c-d")).hasMessageContaining("twice");
        assertThatThrownBy(() -> settings("Backups_Of_All", "")).hasMessageContaining("BACKUP_S3_BUCKET");
        assertThatThrownBy(() -> ObjectStoreSettings.of("ftp://store", "", "backups", "", "", "", 64))
                .hasMessageContaining("BACKUP_S3_ENDPOINT");
        assertThatThrownBy(() -> ObjectStoreSettings.of("", "", "backups", "", "key-id", "", 64))
                .hasMessageContaining("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
        assertThatThrownBy(() -> ObjectStoreSettings.of("", "", "backups", "", "", "", 4))
                .hasMessageContaining("part-size-mb");
    }

    @Test
    void checksumsDefaultToWhenRequiredForAnEndpointAndWhenSupportedForAwsItself() {
        assertThat(settings("backups", "").checksums()).isEqualTo(ObjectStoreSettings.Checksums.WHEN_REQUIRED);
        assertThat(ObjectStoreSettings.of("", "", "backups", "", "", "", 64).checksums())
                .isEqualTo(ObjectStoreSettings.Checksums.WHEN_SUPPORTED);
        assertThat(ObjectStoreSettings.of("", "", "backups", "", "", "", 64, " When_Required ", "").checksums())
                .isEqualTo(ObjectStoreSettings.Checksums.WHEN_REQUIRED);
        assertThat(ObjectStoreSettings.of("http://127.0.0.1:9090", "", "backups", "", "", "", 64, "when_supported", "")
                .checksums()).isEqualTo(ObjectStoreSettings.Checksums.WHEN_SUPPORTED);
        assertThatThrownBy(() -> ObjectStoreSettings.of("", "", "backups", "", "", "", 64, "always", ""))
                .hasMessage("BACKUP_S3_CHECKSUMS (onboarding.backup.s3.checksums) must be when_required or"
                        + " when_supported, not 'always'");
    }

    @Test
    void theStorageClassIsOneOfTheSdksAndNotAnArchivedOne() {
        assertThat(settings("backups", "").storageClass()).isEqualTo("STANDARD_IA");
        assertThat(ObjectStoreSettings.of("", "", "backups", "", "", "", 64, "", " glacier_ir ").storageClass())
                .isEqualTo("GLACIER_IR");
        assertThat(ObjectStoreSettings.of("", "", "backups", "", "", "", 64, "", "STANDARD").storageClass())
                .isEqualTo("STANDARD");
        assertThatThrownBy(() -> ObjectStoreSettings.of("", "", "backups", "", "", "", 64, "", "COLD"))
                .hasMessageStartingWith("BACKUP_S3_STORAGE_CLASS (onboarding.backup.s3.storage-class) must be one of")
                .hasMessageContaining("STANDARD_IA").hasMessageContaining("not 'COLD'")
                .hasMessageNotContaining("UNKNOWN_TO_SDK_VERSION").hasMessageNotContaining("DEEP_ARCHIVE");
        for (String archived : new String[] {"GLACIER", "deep_archive"}) {
            assertThatThrownBy(() -> ObjectStoreSettings.of("", "", "backups", "", "", "", 64, "", archived))
                    .hasMessageContaining("BACKUP_S3_STORAGE_CLASS")
                    .hasMessageContaining("cannot be read until a restore request has brought them back");
        }
    }

    @Test
    void theSecretKeyIsNeverShown() {
        assertThat(settings("backups", "").toString()).doesNotContain("secret-key").contains("backups");
    }
}
