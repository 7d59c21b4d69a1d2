package io.onboarding.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One instance per {@code DATA_DIR}: an exclusive lock on {@code $DATA_DIR/.lock}, taken before the
 * embedded PostgreSQL or Artemis start (a second broker on the same journal would wait for its lock
 * forever). The operating system releases the lock when the process dies, kill -9 included.
 */
public final class DataDirectoryLock implements AutoCloseable {

    public static final String FILE_NAME = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Fails at once, naming the directory, if another instance holds it. */
    public static DataDirectoryLock acquire(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException heldInThisJvm) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("DATA_DIR " + dataDir + " is in use: another tenant-onboarding instance"
                    + " holds its lock (" + file + "). Stop that instance, or give this one another DATA_DIR.");
        }
        return new DataDirectoryLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        try (channel) {
            lock.release();
        }
    }
}
