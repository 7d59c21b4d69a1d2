package io.onboarding.postgres;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL's binaries (zonky's PostgreSQL 15 archive on the class path), unpacked once
 * into {@code $DATA_DIR/postgres-binaries/<first 16 hex digits of the archive's SHA-256>}: owned by
 * the service's user, nothing in it writable by group or others. Never zonky's default
 * {@code embedded-pg} folder of the system's temporary directory, which is shared and world-writable,
 * so any local user could plant a {@code bin/pg_ctl} there for the service to run.
 */
final class PostgresBinaries {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresBinaries.class);
    static final String DIRECTORY = "postgres-binaries";
    private static final Set<PosixFilePermission> WRITABLE_BY_OTHERS = Set.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);

    private PostgresBinaries() {
    }

    /** The installation directory (holding {@code bin/}, {@code lib/}, {@code share/}), unpacked if needed. */
    static Path install(Path dataDir) throws IOException {
        byte[] archive = archive();
        String name = HexFormat.of().formatHex(sha256(archive), 0, 8);
        Path root = dataDir.resolve(DIRECTORY);
        Files.createDirectories(root);
        int owner = PostgresOsUser.currentUid();
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        checkOwned(root, owner, root);
        Path target = root.resolve(name);
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            verify(target, owner);
        } else {
            unpack(archive, root, target);
        }
        prune(root, target);
        return target;
    }

    private static byte[] archive() throws IOException {
        String arch = System.getProperty("os.arch");
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")
                || !("amd64".equals(arch) || "x86_64".equals(arch))) {
            throw new IllegalStateException("The embedded PostgreSQL ships for Linux x86-64 only (this is "
                    + System.getProperty("os.name") + " " + arch + "): set PGHOST to use your own PostgreSQL.");
        }
        try (InputStream in = PostgresBinaries.class.getResourceAsStream("/postgres-linux-x86_64.txz")) {
            if (in == null) {
                throw new IllegalStateException("postgres-linux-x86_64.txz (zonky's PostgreSQL binaries) is not on the"
                        + " class path: rebuild the jar, or set PGHOST to use your own PostgreSQL.");
            }
            return in.readAllBytes();
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Into a private staging directory, then renamed into place: a half-unpacked tree is never used. */
    private static void unpack(byte[] archive, Path root, Path target) throws IOException {
        Path staging = root.resolve(".unpack-" + UUID.randomUUID());
        Files.createDirectory(staging, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            try (TarArchiveInputStream tar = new TarArchiveInputStream(
                    new XZCompressorInputStream(new ByteArrayInputStream(archive)))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path path = staging.resolve(entry.getName()).normalize();
                    if (!path.startsWith(staging) || path.equals(staging)) {
                        continue;
                    }
                    Files.createDirectories(path.getParent());
                    if (entry.isDirectory()) {
                        Files.createDirectories(path);
                    } else if (entry.isSymbolicLink()) {
                        Path link = Path.of(entry.getLinkName());
                        if (link.isAbsolute() || !path.getParent().resolve(link).normalize().startsWith(staging)) {
                            throw new IllegalStateException("PostgreSQL archive: link " + entry.getName()
                                    + " points outside the installation");
                        }
                        Files.createSymbolicLink(path, link);
                    } else if (entry.isLink()) {
                        Path source = staging.resolve(entry.getLinkName()).normalize();
                        if (!source.startsWith(staging)) {
                            throw new IllegalStateException("PostgreSQL archive: link " + entry.getName()
                                    + " points outside the installation");
                        }
                        Files.copy(source, path);
                    } else if (entry.isFile()) {
                        Files.copy(tar, path);
                        Files.setPosixFilePermissions(path, permissions(entry.getMode() & 0755 | 0444));
                    }
                }
            }
            try (Stream<Path> paths = Files.walk(staging)) {
                for (Path dir : paths.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                verify(target, PostgresOsUser.currentUid());
            }
            LOG.info("Unpacked the embedded PostgreSQL's binaries into {}", target);
        } finally {
            deleteTree(staging);
        }
    }

    /** A tree found in place is used only if nobody but the service's user could have changed it. */
    private static void verify(Path target, int owner) throws IOException {
        if (!Files.isRegularFile(target.resolve("bin/postgres"), LinkOption.NOFOLLOW_LINKS)
                || !Files.isRegularFile(target.resolve("bin/pg_ctl"), LinkOption.NOFOLLOW_LINKS)
                || !Files.isRegularFile(target.resolve("bin/initdb"), LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException("The embedded PostgreSQL's binaries in " + target
                    + " are incomplete: remove that directory and start again (it is unpacked anew).");
        }
        try (Stream<Path> paths = Files.walk(target)) {
            paths.forEach(path -> {
                try {
                    checkOwned(path, owner, target);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void checkOwned(Path path, int owner, Path toRemove) throws IOException {
        int uid = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        boolean link = Files.isSymbolicLink(path);
        if (uid != owner || !link && Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).stream()
                .anyMatch(WRITABLE_BY_OTHERS::contains)) {
            throw new IllegalStateException("The embedded PostgreSQL's binaries must be owned by the service's user (uid "
                    + owner + ") and writable by nobody else, but " + path + " is owned by uid " + uid + " with mode "
                    + (link ? "(link)" : PosixFilePermissions.toString(Files.getPosixFilePermissions(path,
                    LinkOption.NOFOLLOW_LINKS))) + ". Remove " + toRemove
                    + " and start again: the binaries are unpacked anew.");
        }
    }

    /** Earlier releases' binaries and unpacking left over by a killed start. */
    private static void prune(Path root, Path keep) throws IOException {
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : children.filter(child -> !child.equals(keep)).toList()) {
                String name = child.getFileName().toString();
                if (name.matches("[0-9a-f]{16}") || name.startsWith(".unpack-")) {
                    deleteTree(child);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder text = new StringBuilder();
        String letters = "rwxrwxrwx";
        for (int bit = 8; bit >= 0; bit--) {
            text.append((mode & (1 << bit)) != 0 ? letters.charAt(8 - bit) : '-');
        }
        return PosixFilePermissions.fromString(text.toString());
    }
}
