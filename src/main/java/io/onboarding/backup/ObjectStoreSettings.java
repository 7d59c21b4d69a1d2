package io.onboarding.backup;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * Where the storage location {@code offsite} lives when it is an S3-compatible object store:
 * {@code BACKUP_S3_ENDPOINT} (empty: AWS itself), {@code BACKUP_S3_REGION} (the signing region),
 * {@code BACKUP_S3_BUCKET} (the bucket of every tenant region not mapped in
 * {@code onboarding.backup.s3.buckets}), and static credentials ({@code AWS_ACCESS_KEY_ID} /
 * {@code AWS_SECRET_ACCESS_KEY}; both empty: the SDK's default chain), and the part size above
 * which a dump is uploaded in parts; {@code BACKUP_S3_CHECKSUMS}, the AWS SDK's request checksums
 * and response validation ({@link Checksums}); {@code BACKUP_S3_STORAGE_CLASS}, the storage class
 * every object is uploaded with. With no bucket at all, the store is off and {@code offsite} is a
 * directory under {@code BACKUP_DIR}.
 */
public record ObjectStoreSettings(URI endpoint, String signingRegion, String defaultBucket,
                                  Map<String, String> bucketsByRegion, String accessKeyId, String secretAccessKey,
                                  long partSizeBytes, Checksums checksums, String storageClass) {

    /** The default storage class: the design's, cost-optimised for data read only to restore. */
    public static final String DEFAULT_STORAGE_CLASS = "STANDARD_IA";
    /**
     * Storage classes whose objects cannot be read until a restore request has brought them back
     * (hours): a restore reads the object at once, so these are refused at start-up.
     */
    private static final Set<String> ARCHIVED = Set.of(StorageClass.GLACIER.toString(),
            StorageClass.DEEP_ARCHIVE.toString());
    /** S3's smallest part of a multipart upload (but the last). */
    private static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    /** S3's rules for bucket names, enough to refuse a typo at start-up rather than at the first backup. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    /**
     * {@code BACKUP_S3_CHECKSUMS}: the AWS SDK v2's {@code requestChecksumCalculation} and
     * {@code responseChecksumValidation}. Our own check (the SHA-256 sent as
     * {@code x-amz-checksum-sha256}, then size and checksum read back with a HEAD) is made either way.
     */
    public enum Checksums {
        /**
         * Checksums only where an operation requires them, and request bodies sent as they are: no
         * {@code aws-chunked} framing at all (the SDK's chunked encoding is off too, which over plain
         * HTTP it would otherwise use for every signed upload). For S3-compatible stores that do not
         * understand {@code aws-chunked} (s3rver, Ceph RGW, GCS interoperability, R2, ...).
         */
        WHEN_REQUIRED,
        /** The SDK's default since 2.30: a checksum on every request that supports one, often as an aws-chunked trailer. */
        WHEN_SUPPORTED;

        /** {@code when_required} or {@code when_supported}; blank: the default for this endpoint. */
        static Checksums of(String value, URI endpoint) {
            if (blank(value)) {
                return endpoint == null ? WHEN_SUPPORTED : WHEN_REQUIRED;
            }
            for (Checksums checksums : values()) {
                if (checksums.setting().equalsIgnoreCase(value.strip())) {
                    return checksums;
                }
            }
            throw new IllegalStateException("BACKUP_S3_CHECKSUMS (onboarding.backup.s3.checksums) must be"
                    + " when_required or when_supported, not '" + value.strip() + "'");
        }

        /** As the setting spells it. */
        public String setting() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

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
        if (checksums == null) {
            throw new IllegalStateException("BACKUP_S3_CHECKSUMS (onboarding.backup.s3.checksums) is not set");
        }
        storageClass = requireStorageClass(storageClass);
    }

    /** From the configuration's strings, with the default checksums and storage class; blank means unset. */
    public static ObjectStoreSettings of(String endpoint, String region, String bucket, String buckets,
                                         String accessKeyId, String secretAccessKey, int partSizeMegabytes) {
        return of(endpoint, region, bucket, buckets, accessKeyId, secretAccessKey, partSizeMegabytes, "", "");
    }

    /** From the configuration's strings; blank means unset (the default). */
    public static ObjectStoreSettings of(String endpoint, String region, String bucket, String buckets,
                                         String accessKeyId, String secretAccessKey, int partSizeMegabytes,
                                         String checksums, String storageClass) {
        URI uri = null;
        if (!blank(endpoint)) {
            uri = URI.create(endpoint.strip());
            if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalStateException("BACKUP_S3_ENDPOINT must be an http(s) URL");
            }
        }
        return new ObjectStoreSettings(uri, blank(region) ? "us-east-1" : region.strip(),
                blank(bucket) ? "" : bucket.strip(), parseBuckets(buckets), blank(accessKeyId) ? "" : accessKeyId.strip(),
                blank(secretAccessKey) ? "" : secretAccessKey.strip(), partSizeMegabytes * 1024L * 1024,
                Checksums.of(checksums, uri), blank(storageClass) ? DEFAULT_STORAGE_CLASS : storageClass);
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

    /** One of the SDK's storage classes (any case), as S3 spells it; not one that needs a restore request first. */
    private static String requireStorageClass(String value) {
        String storageClass = value == null ? "" : value.strip().toUpperCase(Locale.ROOT);
        Set<String> known = new TreeSet<>();
        for (StorageClass candidate : StorageClass.knownValues()) {
            known.add(candidate.toString());
        }
        known.removeAll(ARCHIVED);
        if (ARCHIVED.contains(storageClass)) {
            throw new IllegalStateException("BACKUP_S3_STORAGE_CLASS (onboarding.backup.s3.storage-class): "
                    + storageClass + " objects cannot be read until a restore request has brought them back, and a"
                    + " backup restore reads its object at once; use one of " + String.join(", ", known));
        }
        if (!known.contains(storageClass)) {
            throw new IllegalStateException("BACKUP_S3_STORAGE_CLASS (onboarding.backup.s3.storage-class) must be one of "
                    + String.join(", ", known) + ", not '" + (value == null ? "" : value.strip()) + "'");
        }
        return storageClass;
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
                + ", buckets=" + bucketsByRegion + ", checksums=" + checksums.setting() + ", storageClass=" + storageClass
                + "]";
    }
}
