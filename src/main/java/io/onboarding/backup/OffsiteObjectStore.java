package io.onboarding.backup;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The S3-compatible object store behind the storage location {@code offsite} (AWS SDK v2, path-style
 * requests so MinIO, Ceph or S3Mock work as well as AWS). Objects are only ever the encrypted
 * dumps; each upload is checked twice: the store verifies the SHA-256 sent with it
 * ({@code x-amz-checksum-sha256}) and a HEAD afterwards must report the same size (and checksum,
 * where the store returns it). Every failure becomes an {@link IllegalStateException} saying whether
 * the store was unreachable or refused, and what.
 */
public final class OffsiteObjectStore implements AutoCloseable {

    static final String SCHEME = "s3://";

    private final S3Client s3;
    private final String endpoint;

    public OffsiteObjectStore(ObjectStoreSettings settings) {
        AwsCredentialsProvider credentials = settings.accessKeyId().isEmpty()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId(),
                        settings.secretAccessKey()));
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.signingRegion()))
                .credentialsProvider(credentials)
                .forcePathStyle(true)
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        } else {
            builder.crossRegionAccessEnabled(true); // AWS itself: buckets of several regions with one client
        }
        this.s3 = builder.build();
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

    /**
     * Uploads the file to its final key and checks it; an object that fails the check is deleted
     * again. Returns the object's location.
     */
    public String upload(String location, Path file, long size, byte[] sha256) {
        Target target = Target.of(location);
        String checksum = Base64.getEncoder().encodeToString(sha256);
        HeadObjectResponse head;
        try {
            s3.putObject(put -> put.bucket(target.bucket()).key(target.key()).contentLength(size)
                    .contentType("application/octet-stream").checksumSHA256(checksum), RequestBody.fromFile(file));
            head = s3.headObject(h -> h.bucket(target.bucket()).key(target.key()).checksumMode(ChecksumMode.ENABLED));
        } catch (SdkException e) {
            throw failure("upload of " + location, e);
        }
        String problem = null;
        if (head.contentLength() == null || head.contentLength() != size) {
            problem = "reports " + head.contentLength() + " bytes, " + size + " were sent";
        } else if (head.checksumSHA256() != null && !checksum.equals(head.checksumSHA256())) {
            problem = "reports SHA-256 " + head.checksumSHA256() + ", " + checksum + " was sent";
        }
        if (problem != null) {
            delete(location);
            throw new IllegalStateException("offsite store " + endpoint + ": " + location + " " + problem
                    + "; the object was deleted");
        }
        return location;
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
                    + (code == null ? "error" : code) + " (HTTP " + refused.statusCode() + ")", e);
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
