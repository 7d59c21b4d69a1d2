package io.onboarding.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Supplier;

/** Small secrets the service keeps on disk for itself: created once, readable by the owner only. */
public final class SecretFiles {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretFiles() {
    }

    public static String randomToken(int bytes) {
        byte[] buffer = new byte[bytes];
        RANDOM.nextBytes(buffer);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer);
    }

    /**
     * The file's content, or a new value written 0600. The value is written to a temporary file and
     * moved into place, so a crash never leaves an empty file, and of two concurrent starts the
     * first to move wins and both use its value.
     */
    public static String readOrCreate(Path file, Supplier<String> generator) throws IOException {
        if (!Files.exists(file)) {
            Path directory = Files.createDirectories(file.toAbsolutePath().getParent());
            Path partial = Files.createTempFile(directory, "." + file.getFileName(), ".partial",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(partial, generator.get(), StandardCharsets.UTF_8);
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException raced) {
                // another start created it first
            } finally {
                Files.deleteIfExists(partial);
            }
        }
        String value = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (value.isEmpty()) {
            throw new IllegalStateException(file + " is empty; restore it from a backup or remove it to start afresh");
        }
        return value;
    }
}
