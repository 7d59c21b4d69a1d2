package io.onboarding.inbound;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;

/**
 * Writes the service's files into the inbox (reports in {@code .results/}, reasons in {@code .failed/}),
 * a directory others can write to: each file is created new in {@code .work/} (the service's own,
 * 0700) and renamed into place. Directories are opened without following links and files are created
 * and renamed relative to those open directories, so no link planted in the inbox is ever followed.
 */
final class InboxOutputs {

    static final String WORK = ".work";

    private final Path inbox;

    InboxOutputs(Path inbox) {
        this.inbox = inbox;
    }

    /** A new, empty file in .work/, published under its final name by {@link Draft#publish}. */
    Draft draft() throws IOException {
        SecureDirectoryStream<Path> root = openInbox();
        try {
            SecureDirectoryStream<Path> work = directory(root, WORK);
            try {
                // Set through the open directory: fails unless the service owns it.
                work.getFileAttributeView(PosixFileAttributeView.class)
                        .setPermissions(PosixFilePermissions.fromString("rwx------"));
                return new Draft(root, work);
            } catch (IOException | RuntimeException e) {
                work.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            root.close();
            throw e;
        }
    }

    /**
     * Moves a dropped file (or link: the entry itself, never what it points to) into the inbox's
     * {@code directory} (.done or .failed), renaming relative to the opened directories.
     */
    void move(String fileName, String directory) throws IOException {
        try (SecureDirectoryStream<Path> root = openInbox();
             SecureDirectoryStream<Path> target = directory(root, directory)) {
            root.move(Path.of(fileName), target, Path.of(fileName));
        }
    }

    private SecureDirectoryStream<Path> openInbox() throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(inbox);
        if (stream instanceof SecureDirectoryStream<Path> secure) {
            return secure;
        }
        stream.close();
        throw new IOException("this platform cannot write into the inbox safely (no SecureDirectoryStream)");
    }

    /** The inbox's subdirectory, created if missing; refused if it is a link or not a directory. */
    private SecureDirectoryStream<Path> directory(SecureDirectoryStream<Path> root, String name) throws IOException {
        try {
            Files.createDirectory(inbox.resolve(name), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString(WORK.equals(name) ? "rwx------" : "rwxr-xr-x")));
        } catch (FileAlreadyExistsException exists) {
            // checked below, through the opened directory
        }
        try {
            return root.newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            if (!isLink(root, name)) {
                throw new IOException(inbox.resolve(name) + " is not a directory: nothing is written there");
            }
        }
        // A link planted where our directory belongs: the link goes (never what it points to).
        root.deleteFile(Path.of(name));
        Files.createDirectory(inbox.resolve(name), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString(WORK.equals(name) ? "rwx------" : "rwxr-xr-x")));
        return root.newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS);
    }

    private static boolean isLink(SecureDirectoryStream<Path> root, String name) {
        try {
            return root.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes().isSymbolicLink();
        } catch (IOException e) {
            return false;
        }
    }

    /** A file being written in .work/: deleted on close unless published. */
    final class Draft implements Closeable {
        private final SecureDirectoryStream<Path> root;
        private final SecureDirectoryStream<Path> work;
        private final Path name = Path.of(UUID.randomUUID() + ".partial");
        private final Writer writer;
        private boolean published;

        private Draft(SecureDirectoryStream<Path> root, SecureDirectoryStream<Path> work) throws IOException {
            this.root = root;
            this.work = work;
            this.writer = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(work.newByteChannel(name,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS))),
                    StandardCharsets.UTF_8));
        }

        Writer writer() {
            return writer;
        }

        /** Atomically renames the file to {@code <directory>/<fileName>}, replacing whatever had that name. */
        void publish(String directory, String fileName) throws IOException {
            writer.close();
            try (SecureDirectoryStream<Path> target = directory(root, directory)) {
                work.move(name, target, Path.of(fileName));
            }
            published = true;
        }

        @Override
        public void close() throws IOException {
            try (root; work) {
                writer.close();
                if (!published) {
                    work.deleteFile(name);
                }
            }
        }
    }
}
