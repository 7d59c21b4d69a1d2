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
        return new Records() {
            private long lineNumber;
            private BatchRecord next;

            @Override
            public boolean hasNext() {
                while (next == null) {
                    String line;
                    try {
                        line = reader.readLine();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    if (line == null) {
                        return false;
                    }
                    lineNumber++;
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        next = new BatchRecord(lineNumber, Json.MAPPER.readTree(line), null);
                    } catch (IOException e) {
                        next = new BatchRecord(lineNumber, null, "line " + lineNumber + " is not valid JSON");
                    }
                }
                return true;
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
        return new Records() {
            private boolean done;
            private BatchRecord next;

            @Override
            public boolean hasNext() {
                if (next != null || done) {
                    return next != null;
                }
                try {
                    JsonToken token = array ? parser.nextToken() : parser.currentToken();
                    if (token == null || token == JsonToken.END_ARRAY) {
                        done = true;
                        return false;
                    }
                    long line = parser.currentTokenLocation().getLineNr();
                    JsonNode node = parser.readValueAsTree();
                    next = new BatchRecord(line, node, null);
                    if (!array) {
                        done = true;
                    }
                } catch (IOException e) {
                    // Past a syntax error nothing can be trusted: report it once and stop.
                    done = true;
                    next = new BatchRecord(parser.currentLocation().getLineNr(), null,
                            "malformed JSON from here on: " + e.getMessage().lines().findFirst().orElse(""));
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
