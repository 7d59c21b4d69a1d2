package io.onboarding.backup;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * The S3-compatible object store behind the storage location {@code offsite} (AWS SDK v2; with an
 * endpoint, path-style requests, so MinIO, Ceph or S3Mock work as well as AWS). Objects are only ever the encrypted
 * dumps; each upload is checked twice: the store verifies the SHA-256 sent with it
 * ({@code x-amz-checksum-sha256}) and a HEAD afterwards must report the same size (and checksum,
 * where the store returns it). Every failure becomes an {@link IllegalStateException} saying whether
 * the store was unreachable or refused, and what. Objects are uploaded with the configured storage
 * class; the class the HEAD reports (none: {@code STANDARD}, as S3 omits it for that class) is what
 * the backup records. {@code BACKUP_S3_CHECKSUMS=when_required} sends no {@code aws-chunked} body
 * at all, for stores that do not understand it.
 */
public final class OffsiteObjectStore implements AutoCloseable {

    static final String SCHEME = "s3://";
    private static final String CONTENT_TYPE = "application/octet-stream";
    private static final Base64.Encoder BASE64 = Base64.getEncoder();
    /** S3's limit on the parts of one upload. */
    private static final long MAX_PARTS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(OffsiteObjectStore.class);

    private final S3Client s3;
    private final String endpoint;
    private final long partSize;
    private final String storageClass;
    private final ObjectStoreSettings.Checksums checksums;

    public OffsiteObjectStore(ObjectStoreSettings settings) {
        AwsCredentialsProvider credentials = settings.accessKeyId().isEmpty()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId(),
                        settings.secretAccessKey()));
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.signingRegion()))
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)));
        if (settings.checksums() == ObjectStoreSettings.Checksums.WHEN_REQUIRED) {
            // No aws-chunked body: no checksum trailers, and no chunked signing either (over plain
            // HTTP the SDK signs every upload's payload in aws-chunked frames unless this is off).
            builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build());
        } else {
            builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_SUPPORTED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_SUPPORTED);
        }
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint()).forcePathStyle(true); // http://host/bucket/key
        } else {
            builder.crossRegionAccessEnabled(true); // AWS itself: buckets of several regions with one client
        }
        this.s3 = builder.build();
        this.partSize = settings.partSizeBytes();
        this.storageClass = settings.storageClass();
        this.checksums = settings.checksums();
        this.endpoint = settings.endpoint() == null ? "AWS S3 (" + settings.signingRegion() + ")"
                : settings.endpoint().toString();
    }

    /** The {@code s3://bucket/key} of an object. */
    static String location(String bucket, String key) {
        return SCHEME + bucket + "/" + key;
    }

    static boolean isObject(String location) {
        return location != null && location.startsWith(SCHEME);
    }

    /** An object uploaded and verified, and the storage class the store reports for it. */
    public record Uploaded(String location, String storageClass) {
    }

    /**
     * Uploads the file to its final key, with the configured storage class, and checks it; an object
     * that fails the check is deleted again.
     */
    public Uploaded upload(String location, Path file, long size, byte[] sha256) {
        Target target = Target.of(location);
        String checksum;
        HeadObjectResponse head;
        try {
            checksum = size > partSize ? uploadInParts(target, file, size) : uploadWhole(target, file, size, sha256);
            head = s3.headObject(h -> h.bucket(target.bucket()).key(target.key()).checksumMode(ChecksumMode.ENABLED));
        } catch (SdkException e) {
            throw failure("upload of " + location, e);
        } catch (IOException e) {
            throw new UncheckedIOException("the dump of " + location + " cannot be read", e);
        }
        String problem = null;
        boolean sizeDiffers = head.contentLength() == null || head.contentLength() != size;
        if (sizeDiffers) {
            problem = "reports " + head.contentLength() + " bytes, " + size + " were sent";
        } else if (head.checksumSHA256() != null && !checksum.equals(head.checksumSHA256())) {
            problem = "reports SHA-256 " + head.checksumSHA256() + ", " + checksum + " was sent";
        }
        if (problem != null) {
            delete(location);
            String hint = sizeDiffers && checksums == ObjectStoreSettings.Checksums.WHEN_SUPPORTED
                    ? " (a store that keeps aws-chunked framing as data does this: BACKUP_S3_CHECKSUMS=when_required)" : "";
            throw new IllegalStateException("offsite store " + endpoint + ": " + location + " " + problem
                    + "; the object was deleted" + hint);
        }
        // S3 leaves the header out for STANDARD.
        String stored = head.storageClass() == null ? StorageClass.STANDARD.toString() : head.storageClassAsString();
        if (!stored.equals(storageClass)) {
            LOG.warn("Offsite store {} keeps {} as {}, not as {} (BACKUP_S3_STORAGE_CLASS); the backup records {}",
                    endpoint, location, stored, storageClass, stored);
        }
        return new Uploaded(location, stored);
    }

    /** One PUT; the store checks the SHA-256. Returns the checksum a HEAD reports for it. */
    private String uploadWhole(Target target, Path file, long size, byte[] sha256) {
        String checksum = BASE64.encodeToString(sha256);
        s3.putObject(put -> put.bucket(target.bucket()).key(target.key()).contentLength(size)
                .contentType(CONTENT_TYPE).storageClass(storageClass).checksumSHA256(checksum), RequestBody.fromFile(file));
        return checksum;
    }

    /**
     * A multipart upload (dumps larger than one part; a single PUT stops at 5 GiB), every part with
     * its SHA-256 checked by the store; aborted on any failure, so no parts are left behind. Returns
     * the composite checksum a HEAD reports: SHA-256 of the parts' digests, then {@code -<parts>}.
     */
    private String uploadInParts(Target target, Path file, long size) throws IOException {
        long part = Math.max(partSize, (size + MAX_PARTS - 1) / MAX_PARTS);
        String uploadId = s3.createMultipartUpload(create -> create.bucket(target.bucket()).key(target.key())
                .contentType(CONTENT_TYPE).storageClass(storageClass).checksumAlgorithm(ChecksumAlgorithm.SHA256))
                .uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            MessageDigest ofParts = sha256();
            for (long offset = 0; offset < size; offset += part) {
                long from = offset;
                long length = Math.min(part, size - offset);
                int number = parts.size() + 1;
                MessageDigest digest = sha256();
                try (InputStream in = new DigestInputStream(slice(file, from, length), digest)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
                byte[] partDigest = digest.digest();
                ofParts.update(partDigest);
                String checksum = BASE64.encodeToString(partDigest);
                String etag = s3.uploadPart(upload -> upload.bucket(target.bucket()).key(target.key()).uploadId(uploadId)
                                .partNumber(number).contentLength(length).checksumSHA256(checksum),
                        RequestBody.fromContentProvider(() -> slice(file, from, length), length, CONTENT_TYPE)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).checksumSHA256(checksum).build());
            }
            s3.completeMultipartUpload(complete -> complete.bucket(target.bucket()).key(target.key()).uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(parts)));
            return BASE64.encodeToString(ofParts.digest()) + "-" + parts.size();
        } catch (RuntimeException | IOException e) {
            try {
                s3.abortMultipartUpload(abort -> abort.bucket(target.bucket()).key(target.key()).uploadId(uploadId));
            } catch (SdkException abortFailed) {
                e.addSuppressed(abortFailed);
            }
            throw e;
        }
    }

    /** {@code length} bytes of the file from {@code offset}. */
    private static InputStream slice(Path file, long offset, long length) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ).position(offset);
            return new FilterInputStream(Channels.newInputStream(channel)) {
                private long left = length;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] buffer, int off, int len) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int read = super.read(buffer, off, (int) Math.min(len, left));
                    if (read > 0) {
                        left -= read;
                    }
                    return read;
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The object's bytes, as stored. */
    public InputStream open(String location) {
        Target target = Target.of(location);
        try {
            return s3.getObject(get -> get.bucket(target.bucket()).key(target.key()));
        } catch (SdkException e) {
            throw failure("download of " + location, e);
        }
    }

    /** Deletes the object; one already gone (or whose bucket is) is not an error. */
    public void delete(String location) {
        Target target = Target.of(location);
        try {
            s3.deleteObject(delete -> delete.bucket(target.bucket()).key(target.key()));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw failure("deletion of " + location, e);
            }
        } catch (SdkException e) {
            throw failure("deletion of " + location, e);
        }
    }

    private IllegalStateException failure(String what, SdkException e) {
        if (e instanceof S3Exception refused) {
            String code = refused.awsErrorDetails() == null ? null : refused.awsErrorDetails().errorCode();
            return new IllegalStateException("offsite store " + endpoint + " refused the " + what + ": "
                    + (code == null ? "error" : code) + " (HTTP " + refused.statusCode() + ")"
                    + ("InvalidStorageClass".equals(code) ? ": it does not take storage class " + storageClass
                            + " (BACKUP_S3_STORAGE_CLASS)" : ""), e);
        }
        if (e instanceof SdkClientException) {
            return new IllegalStateException("offsite store " + endpoint + " unreachable for the " + what + ": "
                    + e.getMessage(), e);
        }
        return new IllegalStateException("offsite store " + endpoint + ": the " + what + " failed: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        s3.close();
    }

    /** A location taken apart. */
    private record Target(String bucket, String key) {

        static Target of(String location) {
            if (!isObject(location)) {
                throw new IllegalArgumentException("not an object location: " + location);
            }
            String path = location.substring(SCHEME.length());
            int slash = path.indexOf('/');
            if (slash < 1 || slash == path.length() - 1) {
                throw new IllegalArgumentException("not an object location: " + location);
            }
            return new Target(path.substring(0, slash), path.substring(slash + 1));
        }
    }
}
