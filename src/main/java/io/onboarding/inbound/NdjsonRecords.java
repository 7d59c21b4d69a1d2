package io.onboarding.inbound;

import io.onboarding.kit.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.onboarding.inbound.BatchFileRecords.Records;

/** {@code .ndjson}: an object a line; a line over the limit is skipped unread and reported. */
final class NdjsonRecords {

    private NdjsonRecords() {
    }

    static Records open(BufferedInputStream in, int maxBytes) {
        return new BatchFileRecords.LookaheadRecords() {
            private long lineNumber;

            @Override
            BatchRecord advance() throws IOException {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                int b = 0;
                while (b != -1) {
                    line.reset();
                    boolean tooLong = false;
                    // '\n' never occurs inside a UTF-8 sequence: lines split on bytes.
                    while ((b = in.read()) != -1 && b != '\n') {
                        if (line.size() < maxBytes) {
                            line.write(b);
                        } else {
                            tooLong = true; // the rest of the line is skipped, never held
                        }
                    }
                    if (b == -1 && line.size() == 0 && !tooLong) {
                        return null;
                    }
                    lineNumber++;
                    if (tooLong) {
                        return new BatchRecord(lineNumber, null, ParseErrors.tooLong(lineNumber, maxBytes));
                    }
                    String text = line.toString(StandardCharsets.UTF_8);
                    if (text.isBlank()) {
                        continue;
                    }
                    try {
                        return new BatchRecord(lineNumber, Json.MAPPER.readTree(text), null);
                    } catch (IOException e) {
                        return new BatchRecord(lineNumber, null, "line " + lineNumber + " is " + ParseErrors.json(e)
                                .replaceFirst(" at line \\d+,", " at"));
                    }
                }
                return null;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }
}
