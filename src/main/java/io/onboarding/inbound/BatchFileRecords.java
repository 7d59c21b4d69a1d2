package io.onboarding.inbound;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.onboarding.api.Json;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

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

    /** CSV cells are text; these fields are numbers in the JSON the validator expects. */
    private static final Set<String> NUMERIC_COLUMNS = Set.of("backup_policy.retention_days");

    /** An iterator over records that holds the file open until closed. */
    public interface Records extends Iterator<BatchRecord>, AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /** Records read one ahead: {@link #advance()} returns the next record, or null at the end. */
    private abstract static class LookaheadRecords implements Records {
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
                return ndjson(new BufferedInputStream(in), maxRecordBytes);
            }
            if (name.endsWith(".json")) {
                return json(in, maxRecordBytes);
            }
            if (name.endsWith(".csv")) {
                return csv(in, maxRecordBytes);
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

    private static Records ndjson(BufferedInputStream in, int maxBytes) {
        return new LookaheadRecords() {
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

    private static Records json(InputStream in, int maxBytes) throws IOException {
        // One name or value can't outgrow a record either, even before the record's size is known.
        JsonFactory factory = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(maxBytes).maxNameLength(maxBytes).maxNumberLength(1000).maxNestingDepth(100)
                .build()).build();
        JsonParser parser = factory.createParser(in);
        JsonToken first;
        try {
            first = parser.nextToken();
        } catch (IOException e) {
            parser.close();
            throw e;
        }
        if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
            parser.close();
            throw new UnreadableBatchFile("a .json file holds an object or an array of objects", null);
        }
        boolean array = first == JsonToken.START_ARRAY;
        return new LookaheadRecords() {
            private boolean done;

            @Override
            BatchRecord advance() {
                if (done) {
                    return null;
                }
                long line = parser.currentLocation().getLineNr();
                try {
                    JsonToken token = array ? parser.nextToken() : parser.currentToken();
                    if (token == null || token == JsonToken.END_ARRAY) {
                        done = true;
                        return null;
                    }
                    line = parser.currentTokenLocation().getLineNr();
                    JsonNode node = boundedValue(parser, maxBytes);
                    done = !array;
                    return new BatchRecord(line, node, node == null ? ParseErrors.tooLong(line, maxBytes) : null);
                } catch (StreamConstraintsException e) {
                    // One name or value over the limit: the parser can't skip past it, so stop here.
                    done = true;
                    return new BatchRecord(line, null, ParseErrors.tooLong(line, maxBytes) + " (nor the rest of the file)");
                } catch (IOException e) {
                    // Past a syntax error nothing can be trusted: report it once and stop.
                    done = true;
                    return new BatchRecord(parser.currentLocation().getLineNr(), null,
                            "malformed JSON from here on: " + ParseErrors.json(e));
                }
            }

            @Override
            public void close() throws IOException {
                parser.close();
            }
        };
    }

    /** The value at the parser's current token, or null (the value skipped) if it is longer than maxBytes. */
    private static JsonNode boundedValue(JsonParser parser, int maxBytes) throws IOException {
        long start = parser.currentTokenLocation().getByteOffset();
        TokenBuffer buffer = new TokenBuffer(parser);
        int depth = 0;
        boolean tooLong = false;
        do {
            JsonToken token = parser.currentToken();
            depth += token.isStructStart() ? 1 : token.isStructEnd() ? -1 : 0;
            tooLong = tooLong || parser.currentLocation().getByteOffset() - start > maxBytes;
            if (!tooLong) {
                buffer.copyCurrentEvent(parser);
            }
        } while (depth > 0 && parser.nextToken() != null);
        if (depth > 0) {
            throw new com.fasterxml.jackson.core.io.JsonEOFException(parser, null, "unexpected end of input");
        }
        if (tooLong) {
            buffer.close();
            return null;
        }
        try (JsonParser tokens = buffer.asParserOnFirstToken()) {
            return Json.MAPPER.readTree(tokens);
        }
    }

    private static Records csv(InputStream in, int maxBytes) throws IOException {
        LineBoundedReader reader = new LineBoundedReader(
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), maxBytes);
        CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                .setIgnoreEmptyLines(true).get().parse(reader);
        if (parser.getHeaderNames().isEmpty()) {
            parser.close();
            throw new UnreadableBatchFile("a .csv file starts with a header row", null);
        }
        Iterator<CSVRecord> rows = parser.iterator();
        return new LookaheadRecords() {
            private boolean done;

            @Override
            BatchRecord advance() {
                if (done) {
                    return null;
                }
                CSVRecord row;
                try {
                    if (!rows.hasNext()) {
                        return null;
                    }
                    row = rows.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    // Past a malformed or overlong record the columns can't be trusted: report once, stop.
                    done = true;
                    long line = e.getCause() instanceof LineBoundedReader.LineTooLong tooLong ? tooLong.line
                            : parser.getCurrentLineNumber();
                    return new BatchRecord(line, null, e.getCause() instanceof LineBoundedReader.LineTooLong
                            ? ParseErrors.tooLong(line, maxBytes) + " (nor the rest of the file)"
                            : "malformed CSV at line " + line + "; the rest of the file was not read");
                }
                ObjectNode object = Json.MAPPER.createObjectNode();
                for (Map.Entry<String, String> cell : row.toMap().entrySet()) {
                    if (cell.getValue() == null || cell.getValue().isEmpty()) {
                        continue; // an empty cell is an absent field
                    }
                    put(object, cell.getKey(), cell.getValue());
                }
                // Line 1 is the header; a record's number counts from the first data row.
                return new BatchRecord(row.getRecordNumber() + 1, object, null);
            }

            @Override
            public void close() throws IOException {
                parser.close();
            }
        };
    }

    private static void put(ObjectNode object, String column, String value) {
        ObjectNode target = object;
        String[] path = column.split("\\.");
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode child = target.get(path[i]);
            target = child instanceof ObjectNode nested ? nested : target.putObject(path[i]);
        }
        String field = path[path.length - 1];
        if (NUMERIC_COLUMNS.contains(column) && value.matches("-?\\d{1,9}")) {
            target.put(field, Integer.parseInt(value));
        } else {
            target.put(field, value);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }
}
