package io.onboarding.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Every password and token the tests see, written to {@code target/test-secrets.txt}, so that
 * {@code LogHygieneIT} can check the log output of the whole suite for them afterwards.
 */
public final class SecretsSeen {

    public static final Path FILE = Path.of("target", "test-secrets.txt");

    private SecretsSeen() {
    }

    public static synchronized void record(String secret) {
        if (secret == null || secret.length() < 8) {
            return;
        }
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, secret + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
