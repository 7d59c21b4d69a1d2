package io.onboarding.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * The test JVMs' temporary directory is {@code target/test-tmp} (the pom's {@code argLine}), not the
 * system's: what the suite makes there goes with the build directory, and `.ci/run` removes it once it
 * has checked that no process of the run is left. It is made here, before any test asks for a
 * temporary file, 0711 so that the embedded PostgreSQL's OS user can pass through it to a data directory.
 */
public final class TestTemporaryDirectory implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Path directory = Path.of(System.getProperty("java.io.tmpdir"));
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory);
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x--x"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
