package io.onboarding.support;

import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Adobe S3Mock 4.11 (a Spring Boot application) as a separate JVM: its executable jar, a test
 * dependency, is run with {@code java -jar} on a free port, with the given buckets and a store
 * directory of its own. In-process it would bring Spring Boot's logging and auto-configuration onto
 * the service's classpath. S3Mock accepts any credentials. Everything it writes is under the
 * directory it is given: its objects in {@code store/}, and its JVM's temporary files (Tomcat's) in
 * {@code tmp/}, so deleting that directory leaves nothing behind.
 */
public final class S3MockProcess implements S3Server {

    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key-0123456789";

    private final Process process;
    private final int port;
    private final Path directory;
    private final List<String> buckets;
    private final S3Client client;

    private S3MockProcess(Process process, int port, Path directory, List<String> buckets) {
        this.process = process;
        this.port = port;
        this.directory = directory;
        this.buckets = buckets;
        this.client = S3Client.builder().endpointOverride(URI.create(endpoint())).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    /** Started and answering S3 requests, with these buckets made; all it writes is under {@code directory}. */
    public static S3MockProcess start(Path directory, String... buckets) throws Exception {
        return start(TestPostgres.freePort(), directory, buckets);
    }

    /** On a given port: the same port and directory again after {@link #close()} is a restart of the store. */
    public static S3MockProcess start(int port, Path directory, String... buckets) throws Exception {
        Path log = Files.createDirectories(Path.of("target")).resolve("s3mock-" + port + ".log");
        Path root = Files.createDirectories(directory.resolve("store")).toAbsolutePath();
        Path tmp = Files.createDirectories(directory.resolve("tmp")).toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + tmp, "-jar", jar().toString(),
                "--server.port=0", // HTTPS, unused
                "--com.adobe.testing.s3mock.http-port=" + port,
                "--com.adobe.testing.s3mock.store.root=" + root,
                "--com.adobe.testing.s3mock.store.initial-buckets=" + String.join(",", buckets),
                "--com.adobe.testing.s3mock.store.retain-files-on-exit=true",
                "--logging.level.root=WARN"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        S3MockProcess mock = new S3MockProcess(process, port, directory, List.of(buckets));
        S3Server.awaitUp(mock, process, log, Duration.ofSeconds(180));
        return mock;
    }

    /** The executable jar of the {@code com.adobe.testing:s3mock:exec} test dependency. */
    private static Path jar() throws Exception {
        for (URL url : Collections.list(S3MockProcess.class.getClassLoader()
                .getResources("BOOT-INF/classes/application.properties"))) {
            String text = url.toString();
            if (text.startsWith("jar:file:") && text.contains("s3mock")) {
                return Path.of(new URI(text.substring("jar:".length(), text.indexOf("!/"))));
            }
        }
        throw new IllegalStateException("the S3Mock executable jar (com.adobe.testing:s3mock:exec) is not on the"
                + " test class path");
    }

    @Override
    public String name() {
        return "S3Mock";
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
    public Path storeDirectory() {
        return directory.resolve("store");
    }

    @Override
    public S3MockProcess restart() throws Exception {
        return start(port, directory, buckets.toArray(String[]::new));
    }

    @Override
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public int port() {
        return port;
    }

    /** A client of the mock, to look at what landed in it. */
    @Override
    public S3Client client() {
        return client;
    }

    /** The store gone: connections to its port are refused from now on. */
    @Override
    public void close() {
        client.close();
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
