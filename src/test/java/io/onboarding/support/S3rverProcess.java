package io.onboarding.support;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * s3rver 3.7.1 (npm), an S3 implementation in Node.js written without the AWS SDK, as a {@code node}
 * process on a port of its own, its objects under the directory it is given. It verifies request
 * signatures (its credentials are {@code S3RVER}/{@code S3RVER}) but not {@code x-amz-checksum-*}
 * headers, and it does not understand {@code aws-chunked} bodies: it stores the chunk framing as
 * part of the object. It does not implement ListMultipartUploads. The package is installed by
 * {@code .ci/run} ({@code npm ci --prefix src/test/node}).
 */
public final class S3rverProcess implements S3Server {

    public static final String ACCESS_KEY = "S3RVER";
    public static final String SECRET_KEY = "S3RVER";
    private static final Path PACKAGE = Path.of("src", "test", "node");
    private static final Path EXECUTABLE = PACKAGE.resolve(Path.of("node_modules", "s3rver", "bin", "s3rver.js"));

    private final Process process;
    private final int port;
    private final Path directory;
    private final List<String> buckets;
    private final S3Client client;

    private S3rverProcess(Process process, int port, Path directory, List<String> buckets) {
        this.process = process;
        this.port = port;
        this.directory = directory;
        this.buckets = buckets;
        // Reads only; no aws-chunked bodies in any case, as s3rver cannot take them.
        this.client = S3Client.builder().endpointOverride(URI.create(endpoint())).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    /** Started and answering S3 requests, with these buckets made; all it writes is under {@code directory}. */
    public static S3rverProcess start(Path directory, String... buckets) throws Exception {
        return start(TestPostgres.freePort(), directory, buckets);
    }

    /** On a given port: the same port and directory again after {@link #close()} is a restart of the store. */
    public static S3rverProcess start(int port, Path directory, String... buckets) throws Exception {
        if (!Files.isRegularFile(EXECUTABLE)) {
            throw new IllegalStateException(EXECUTABLE + " is missing: install the test servers with `npm ci --prefix "
                    + PACKAGE + "` (.ci/run does)");
        }
        Path log = Files.createDirectories(Path.of("target")).resolve("s3rver-" + port + ".log");
        Path store = Files.createDirectories(directory.resolve("store")).toAbsolutePath();
        List<String> command = new ArrayList<>(List.of("node", EXECUTABLE.toAbsolutePath().toString(),
                "--directory", store.toString(), "--address", "127.0.0.1", "--port", Integer.toString(port)));
        for (String bucket : buckets) {
            command.add("--configure-bucket");
            command.add(bucket);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // Node's own temporary files, if any, beside the store rather than in the shared temporary directory.
        builder.environment().put("TMPDIR", Files.createDirectories(directory.resolve("tmp")).toAbsolutePath().toString());
        Process process = builder.start();
        S3rverProcess server = new S3rverProcess(process, port, directory, List.of(buckets));
        S3Server.awaitUp(server, process, log, Duration.ofSeconds(60));
        return server;
    }

    @Override
    public String name() {
        return "s3rver";
    }

    @Override
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String accessKey() {
        return ACCESS_KEY;
    }

    @Override
    public String secretKey() {
        return SECRET_KEY;
    }

    @Override
    public S3Client client() {
        return client;
    }

    @Override
    public Path storeDirectory() {
        return directory.resolve("store");
    }

    @Override
    public S3rverProcess restart() throws Exception {
        return start(port, directory, buckets.toArray(String[]::new));
    }

    @Override
    public void close() {
        client.close();
        process.destroy(); // SIGTERM: node exits; s3rver starts no process of its own
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
