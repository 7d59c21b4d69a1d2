package io.onboarding.inbound;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * Refuses a physical line longer than a limit (in UTF-8 bytes) before it is held in memory: the
 * chars up to the limit are handed out, and the read that would go past it fails. A record may span
 * lines (a quoted CSV cell with newlines), so what is read since {@link #recordDone()} is bounded too,
 * with room for the parser's read-ahead.
 */
final class LineBoundedReader extends FilterReader {

    /** Thrown by the read that would go past the limit; line counts from 1. */
    static final class LineTooLong extends IOException {
        final long line;

        LineTooLong(long line) {
            super("line " + line + " is over the size limit");
            this.line = line;
        }
    }

    /** What a parser may read past the end of the record it hands out (commons-csv buffers 8 K chars). */
    private static final int READ_AHEAD_BYTES = 3 * 8192;

    private final int maxBytes;
    private long line = 1;
    private int lineBytes;
    private long recordBytes;
    private boolean over;

    LineBoundedReader(Reader in, int maxBytes) {
        super(in);
        this.maxBytes = maxBytes;
    }

    @Override
    public int read() throws IOException {
        char[] one = new char[1];
        int n = read(one, 0, 1);
        return n == -1 ? -1 : one[0];
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        if (over) {
            throw new LineTooLong(line);
        }
        int n = in.read(buffer, offset, length);
        for (int i = 0; i < n; i++) {
            char c = buffer[offset + i];
            int bytes = c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
            recordBytes += bytes;
            if (c == '\n') {
                line++;
                lineBytes = 0;
            } else {
                lineBytes += bytes;
            }
            if (lineBytes > maxBytes || recordBytes > (long) maxBytes + READ_AHEAD_BYTES) {
                over = true;
                if (i == 0) {
                    throw new LineTooLong(line);
                }
                return i; // what precedes the overlong part is still handed out
            }
        }
        return n;
    }

    /** A record was handed out: the next one is counted from here. */
    void recordDone() {
        recordBytes = 0;
    }
}
