package io.onboarding.inbound;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;

/**
 * Opens an inbox file only if it is a regular file with a single name: a symbolic link or a hard link
 * dropped in the inbox would make the service read, as itself, a file the dropper cannot read, and a
 * FIFO or a device would block the reader (a FIFO's open waits for a writer that may never come).
 */
final class InboxFile {

    private InboxFile() {
    }

    /** The file's content; {@link UnreadableBatchFile} (nothing read) if it is not a plain file of its own. */
    static InputStream open(Path file) throws IOException {
        Object key = check(file);
        // O_NOFOLLOW: a link swapped in after the check makes the open fail.
        InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        try {
            // The name must still be the file checked (not replaced by another, e.g. a hard link).
            if (!Objects.equals(key, check(file))) {
                throw refused(file, "changed while it was being opened");
            }
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * The size of a plain file of its own, read from its attributes without opening it;
     * {@link UnreadableBatchFile} if it is anything else (a link, a FIFO, a device, a socket).
     */
    static long size(Path file) throws IOException {
        check(file);
        return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).size();
    }

    private static Object check(Path file) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(file, "unix:isRegularFile,isSymbolicLink,nlink,fileKey",
                LinkOption.NOFOLLOW_LINKS);
        if (Boolean.TRUE.equals(attributes.get("isSymbolicLink"))) {
            throw refused(file, "is a symbolic link");
        }
        if (!Boolean.TRUE.equals(attributes.get("isRegularFile"))) {
            throw refused(file, "is not a regular file (a FIFO, a device or a socket)");
        }
        if (((Number) attributes.get("nlink")).intValue() != 1) {
            throw refused(file, "has more than one name (a hard link)");
        }
        return attributes.get("fileKey");
    }

    private static UnreadableBatchFile refused(Path file, String why) {
        return new UnreadableBatchFile(file.getFileName() + " " + why + "; the inbox takes regular files only,"
                + " and it was not read", null);
    }
}
