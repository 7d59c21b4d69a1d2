package io.onboarding.inbound;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Streams the records of a batch file one at a time, so a file of any size is never held in memory:
 * {@code .json} (one object, or an array of them), {@code .ndjson} (an object a line) and
 * {@code .csv} (a header row; nested fields as dotted columns such as {@code backup_policy.schedule}).
 * A record's line is where it starts in the file. A record (a CSV line) longer than the limit is
 * refused unread, and errors tell kind and position only, never the content.
 */
public final class BatchFileRecords {

    /** The default limit on a record's size, in bytes. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 64 * 1024;

    /** An iterator over records that holds the file open until closed. */
    public interface Records extends Iterator<BatchRecord>, AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /** Records read one ahead: {@link #advance()} returns the next record, or null at the end. */
    abstract static class LookaheadRecords implements Records {
        private BatchRecord next;
        private boolean ended;

        abstract BatchRecord advance() throws IOException;

        @Override
        public boolean hasNext() {
            if (next == null && !ended) {
                try {
                    next = advance();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                ended = next == null;
            }
            return next != null;
        }

        @Override
        public BatchRecord next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            BatchRecord record = next;
            next = null;
            return record;
        }
    }

    private BatchFileRecords() {
    }

    public static Records open(String fileName, InputStream in) {
        return open(fileName, in, DEFAULT_MAX_RECORD_BYTES);
    }

    public static Records open(String fileName, InputStream in, int maxRecordBytes) {
        String name = fileName.toLowerCase();
        try {
            if (name.endsWith(".ndjson")) {
                return NdjsonRecords.open(new BufferedInputStream(in), maxRecordBytes);
            }
            if (name.endsWith(".json")) {
                return JsonRecords.open(in, maxRecordBytes);
            }
            if (name.endsWith(".csv")) {
                return CsvRecords.open(in, maxRecordBytes);
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(in);
            // No cause attached: its message would quote the input into the log.
            throw new UnreadableBatchFile(fileName + " cannot be read: " + unreadable(e, name, maxRecordBytes), null);
        }
        closeQuietly(in);
        throw new UnreadableBatchFile(fileName + " is not .json, .ndjson or .csv", null);
    }

    private static String unreadable(Exception e, String name, int maxRecordBytes) {
        if (e instanceof UnreadableBatchFile) {
            return e.getMessage(); // our own words
        }
        if (e instanceof LineBoundedReader.LineTooLong) {
            return ParseErrors.tooLong(1, maxRecordBytes);
        }
        return name.endsWith(".csv") ? "malformed CSV header" : ParseErrors.json(e);
    }

    static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }
}
