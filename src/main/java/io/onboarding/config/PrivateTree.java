package io.onboarding.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory tree only the service's user can enter: directories 0700, files 0600. Java cannot set
 * the umask, so a library writing into the tree creates its files 0644 (with the usual umask 022);
 * the 0700 directories already make them unreachable to anyone else, and this keeps the modes
 * themselves private too (a copy that keeps modes, e.g. {@code cp -a} or a backup, stays private):
 * every file and directory is tightened at start and again as soon as it appears (a watch on each
 * directory).
 */
public final class PrivateTree implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PrivateTree.class);
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private final Path root;
    private final WatchService watch;
    private final Thread watcher;

    private PrivateTree(Path root, WatchService watch) {
        this.root = root;
        this.watch = watch;
        this.watcher = new Thread(this::watchLoop, "private-tree-" + root.getFileName());
        this.watcher.setDaemon(true);
    }

    /** Creates {@code root} and its {@code subdirectories} 0700 (tightening what exists) and watches the tree. */
    public static PrivateTree create(Path root, String... subdirectories) throws IOException {
        createPrivate(root);
        for (String subdirectory : subdirectories) {
            createPrivate(root.resolve(subdirectory));
        }
        PrivateTree tree = new PrivateTree(root, root.getFileSystem().newWatchService());
        tree.tightenAll();
        tree.watcher.start();
        return tree;
    }

    private static void createPrivate(Path directory) throws IOException {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(DIRECTORY));
        }
        Files.setPosixFilePermissions(directory, DIRECTORY);
    }

    /** Every directory 0700 (and watched), every file 0600; links are left alone. */
    public void tightenAll() throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.forEach(path -> {
                try {
                    tighten(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void tighten(Path path) throws IOException {
        if (Files.isSymbolicLink(path)) {
            return;
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            Files.setPosixFilePermissions(path, DIRECTORY);
            path.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
        } else {
            Files.setPosixFilePermissions(path, FILE);
        }
    }

    private void watchLoop() {
        try {
            while (true) {
                WatchKey key = watch.take();
                Path directory = (Path) key.watchable();
                for (WatchEvent<?> event : key.pollEvents()) {
                    try {
                        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                            tightenAll();
                        } else {
                            Path created = directory.resolve((Path) event.context());
                            if (Files.isDirectory(created, LinkOption.NOFOLLOW_LINKS)) {
                                try (Stream<Path> inside = Files.walk(created)) {
                                    for (Path path : inside.toList()) {
                                        tighten(path);
                                    }
                                }
                            } else {
                                tighten(created);
                            }
                        }
                    } catch (java.nio.file.NoSuchFileException gone) {
                        // created and removed again before we got to it
                    } catch (IOException e) {
                        LOG.warn("Could not make {} private: {}", directory, e.toString());
                    }
                }
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        watch.close();
    }
}
