package io.onboarding.backup;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the storage location {@code offsite} lives when it is an S3-compatible object store:
 * {@code BACKUP_S3_ENDPOINT} (empty: AWS itself), {@code BACKUP_S3_REGION} (the signing region),
 * {@code BACKUP_S3_BUCKET} (the bucket of every tenant region not mapped in
 * {@code onboarding.backup.s3.buckets}), and static credentials ({@code AWS_ACCESS_KEY_ID} /
 * {@code AWS_SECRET_ACCESS_KEY}; both empty: the SDK's default chain), and the part size above
 * which a dump is uploaded in parts. With no bucket at all, the
 * store is off and {@code offsite} is a directory under {@code BACKUP_DIR}.
 */
public record ObjectStoreSettings(URI endpoint, String signingRegion, String defaultBucket,
                                  Map<String, String> bucketsByRegion, String accessKeyId, String secretAccessKey,
                                  long partSizeBytes) {

    /** S3's rules for bucket names, enough to refuse a typo at start-up rather than at the first backup. */
    /** S3's smallest part of a multipart upload (but the last). */
    private static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public ObjectStoreSettings {
        bucketsByRegion = Map.copyOf(bucketsByRegion);
        if (defaultBucket != null && !defaultBucket.isEmpty()) {
            requireBucketName("BACKUP_S3_BUCKET", defaultBucket);
        }
        bucketsByRegion.forEach((region, bucket) -> requireBucketName("onboarding.backup.s3.buckets (" + region + ")",
                bucket));
        if (partSizeBytes < MIN_PART_SIZE) {
            throw new IllegalStateException("onboarding.backup.s3.part-size-mb must be at least 5 (S3's smallest part)");
        }
        if ((accessKeyId == null || accessKeyId.isEmpty()) != (secretAccessKey == null || secretAccessKey.isEmpty())) {
            throw new IllegalStateException("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set together or not at all");
        }
    }

    /** From the configuration's strings; blank means unset. */
    public static ObjectStoreSettings of(String endpoint, String region, String bucket, String buckets,
                                         String accessKeyId, String secretAccessKey, int partSizeMegabytes) {
        URI uri = null;
        if (!blank(endpoint)) {
            uri = URI.create(endpoint.strip());
            if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalStateException("BACKUP_S3_ENDPOINT must be an http(s) URL");
            }
        }
        return new ObjectStoreSettings(uri, blank(region) ? "us-east-1" : region.strip(),
                blank(bucket) ? "" : bucket.strip(), parseBuckets(buckets), blank(accessKeyId) ? "" : accessKeyId.strip(),
                blank(secretAccessKey) ? "" : secretAccessKey.strip(), partSizeMegabytes * 1024L * 1024);
    }

    /** Whether {@code offsite} is the object store: some bucket is configured. */
    public boolean enabled() {
        return !defaultBucket.isEmpty() || !bucketsByRegion.isEmpty();
    }

    /** The bucket a tenant of this region backs up to. */
    public String bucketFor(String tenantRegion) {
        String bucket = bucketsByRegion.getOrDefault(tenantRegion, defaultBucket);
        if (bucket.isEmpty()) {
            throw new IllegalStateException("no offsite bucket for region " + tenantRegion
                    + ": map it in onboarding.backup.s3.buckets or set BACKUP_S3_BUCKET");
        }
        return bucket;
    }

    /** {@code eu-west-1=bucket-a,us-east-1=bucket-b}. */
    static Map<String, String> parseBuckets(String buckets) {
        Map<String, String> map = new LinkedHashMap<>();
        if (blank(buckets)) {
            return map;
        }
        for (String entry : buckets.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] pair = entry.split("=", 2);
            if (pair.length != 2 || pair[0].isBlank() || pair[1].isBlank()) {
                throw new IllegalStateException("onboarding.backup.s3.buckets: '" + entry.strip()
                        + "' is not region=bucket");
            }
            if (map.put(pair[0].strip(), pair[1].strip()) != null) {
                throw new IllegalStateException("onboarding.backup.s3.buckets names region " + pair[0].strip() + " twice");
            }
        }
        return map;
    }

    private static void requireBucketName(String setting, String bucket) {
        if (!BUCKET.matcher(bucket).matches()) {
            throw new IllegalStateException(setting + ": '" + bucket + "' is not a valid bucket name");
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    @Override
    public String toString() {
        // Never the secret key, should this record reach a log line.
        return "ObjectStoreSettings[endpoint=" + endpoint + ", region=" + signingRegion + ", bucket=" + defaultBucket
                + ", buckets=" + bucketsByRegion + "]";
    }
}
