package io.onboarding.support;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A test CA, a server certificate it signed for {@code localhost} (SAN DNS:localhost and IP:127.0.0.1)
 * and a client certificate for the user {@code postgres}, made with the {@code openssl} command line in
 * a directory of the test's own. Keys are unencrypted PEM.
 */
public record TestCertificates(Path caCert, Path serverCert, Path serverKey, Path serverPkcs12, Path clientCert,
                               Path clientKey) {

    private static final String PKCS12_PASSWORD = "test-only";

    public static TestCertificates create(Path directory) throws Exception {
        Files.createDirectories(directory);
        Path caKey = directory.resolve("ca.key");
        Path caCert = directory.resolve("ca.crt");
        Path serverKey = directory.resolve("server.key");
        Path serverCsr = directory.resolve("server.csr");
        Path serverCert = directory.resolve("server.crt");
        Path extensions = Files.writeString(directory.resolve("server.ext"),
                "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        Path pkcs12 = directory.resolve("server.p12");
        openssl(directory, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey.toString(),
                "-out", caCert.toString(), "-days", "2", "-subj", "/CN=onboarding test CA " + directory.getFileName());
        openssl(directory, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", serverKey.toString(),
                "-out", serverCsr.toString(), "-subj", "/CN=localhost");
        openssl(directory, "x509", "-req", "-in", serverCsr.toString(), "-CA", caCert.toString(), "-CAkey",
                caKey.toString(), "-CAcreateserial", "-out", serverCert.toString(), "-days", "2",
                "-extfile", extensions.toString());
        openssl(directory, "pkcs12", "-export", "-in", serverCert.toString(), "-inkey", serverKey.toString(),
                "-out", pkcs12.toString(), "-passout", "pass:" + PKCS12_PASSWORD);
        Path clientKey = directory.resolve("client.key");
        Path clientCsr = directory.resolve("client.csr");
        Path clientCert = directory.resolve("client.crt");
        openssl(directory, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", clientKey.toString(),
                "-out", clientCsr.toString(), "-subj", "/CN=postgres");
        openssl(directory, "x509", "-req", "-in", clientCsr.toString(), "-CA", caCert.toString(), "-CAkey",
                caKey.toString(), "-CAcreateserial", "-out", clientCert.toString(), "-days", "2");
        // PostgreSQL and libpq refuse a private key readable by others.
        Files.setPosixFilePermissions(serverKey, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(clientKey, PosixFilePermissions.fromString("rw-------"));
        return new TestCertificates(caCert, serverCert, serverKey, pkcs12, clientCert, clientKey);
    }

    /** The server side of TLS with this certificate (for an in-test HTTPS server). */
    public SSLContext serverContext() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(serverPkcs12)) {
            store.load(in, PKCS12_PASSWORD.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PKCS12_PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static void openssl(Path directory, String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Path log = directory.resolve("openssl.log");
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("openssl " + arguments[0] + " failed: " + Files.readString(log));
        }
    }
}
