package io.onboarding.support;

import java.nio.file.Path;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 implementation run by a test as a separate process on a port of its own (S3Mock, s3rver),
 * with its buckets made; {@link #close()} stops it and {@link #restart()} starts it again on the
 * same port with the same data, so a test can take the store away and bring it back.
 */
public interface S3Server extends AutoCloseable {

    /** Its name, for messages. */
    String name();

    /** {@code http://127.0.0.1:<port>}. */
    String endpoint();

    int port();

    /** Credentials it accepts. */
    String accessKey();

    String secretKey();

    /** A client of the store, to look at what landed in it. */
    S3Client client();

    /** The store's own directory of objects (under the directory the test gave it). */
    Path storeDirectory();

    /** The same store started again: same port, same data, same buckets. */
    S3Server restart() throws Exception;

    /** Stopped, and waited for: connections to its port are refused from now on. */
    @Override
    void close();

    /**
     * Waits (at most {@code within}) until the just started {@code server}'s root answers 200; a process
     * that exits meanwhile fails with its log. On failure the server is closed.
     */
    static void awaitUp(S3Server server, java.lang.Process process, Path log, java.time.Duration within) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(java.time.Duration.ofSeconds(2)).build();
        try {
            org.awaitility.Awaitility.await().atMost(within).pollInterval(java.time.Duration.ofMillis(200)).until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError(server.name() + " exited with " + process.exitValue() + ":\n"
                            + java.nio.file.Files.readString(log));
                }
                try {
                    return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.endpoint() + "/"))
                            .build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (java.io.IOException notYet) {
                    return false;
                }
            });
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }
}
