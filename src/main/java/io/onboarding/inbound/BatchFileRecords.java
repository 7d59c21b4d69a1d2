package io.onboarding.inbound;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.onboarding.api.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
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
 * A record's line is where it starts in the file.
 */
public final class BatchFileRecords {

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
        String name = fileName.toLowerCase();
        Reader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        try {
            if (name.endsWith(".ndjson")) {
                return ndjson((BufferedReader) reader);
            }
            if (name.endsWith(".json")) {
                return json(reader);
            }
            if (name.endsWith(".csv")) {
                return csv(reader);
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(reader);
            throw new UnreadableBatchFile(fileName + " cannot be read: " + e.getMessage(), e);
        }
        closeQuietly(reader);
        throw new UnreadableBatchFile(fileName + " is not .json, .ndjson or .csv", null);
    }

    private static Records ndjson(BufferedReader reader) {
        return new LookaheadRecords() {
            private long lineNumber;

            @Override
            BatchRecord advance() throws IOException {
                String line;
                while ((line = reader.readLine()) != null) {
                    lineNumber++;
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        return new BatchRecord(lineNumber, Json.MAPPER.readTree(line), null);
                    } catch (IOException e) {
                        return new BatchRecord(lineNumber, null, "line " + lineNumber + " is not valid JSON");
                    }
                }
                return null;
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    private static Records json(Reader reader) throws IOException {
        JsonParser parser = Json.MAPPER.getFactory().createParser(reader);
        JsonToken first = parser.nextToken();
        if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
            parser.close();
            throw new IOException("a .json file holds an object or an array of objects");
        }
        boolean array = first == JsonToken.START_ARRAY;
        return new LookaheadRecords() {
            private boolean done;

            @Override
            BatchRecord advance() {
                if (done) {
                    return null;
                }
                try {
                    JsonToken token = array ? parser.nextToken() : parser.currentToken();
                    if (token == null || token == JsonToken.END_ARRAY) {
                        done = true;
                        return null;
                    }
                    long line = parser.currentTokenLocation().getLineNr();
                    JsonNode node = parser.readValueAsTree();
                    done = !array;
                    return new BatchRecord(line, node, null);
                } catch (IOException e) {
                    // Past a syntax error nothing can be trusted: report it once and stop.
                    done = true;
                    return new BatchRecord(parser.currentLocation().getLineNr(), null,
                            "malformed JSON from here on: " + e.getMessage().lines().findFirst().orElse(""));
                }
            }

            @Override
            public void close() throws IOException {
                parser.close();
            }
        };
    }

    private static Records csv(Reader reader) throws IOException {
        CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                .setIgnoreEmptyLines(true).get().parse(reader);
        if (parser.getHeaderNames().isEmpty()) {
            parser.close();
            throw new IOException("a .csv file starts with a header row");
        }
        Iterator<CSVRecord> rows = parser.iterator();
        return new Records() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public BatchRecord next() {
                CSVRecord row;
                try {
                    row = rows.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    return new BatchRecord(parser.getCurrentLineNumber(), null, "malformed CSV: " + e.getMessage());
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

    private static void closeQuietly(Reader reader) {
        try {
            reader.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }
}
