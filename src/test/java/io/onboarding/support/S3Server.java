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
}
