package io.onboarding.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.onboarding.kit.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

import io.onboarding.inbound.BatchFileRecords.Records;

/** {@code .csv}: a header row, nested fields as dotted columns such as {@code backup_policy.schedule}. */
final class CsvRecords {

    /** CSV cells are text; these fields are numbers in the JSON the validator expects. */
    private static final Set<String> NUMERIC_COLUMNS = Set.of("backup_policy.retention_days");

    private CsvRecords() {
    }

    static Records open(InputStream in, int maxBytes) throws IOException {
        LineBoundedReader reader = new LineBoundedReader(
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), maxBytes);
        // Missing and repeated names are let through the parser so that checkHeader can name them.
        CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                .setIgnoreEmptyLines(true).setAllowMissingColumnNames(true)
                .setDuplicateHeaderMode(DuplicateHeaderMode.ALLOW_ALL).get().parse(reader);
        if (parser.getHeaderNames().isEmpty()) {
            parser.close();
            throw new UnreadableBatchFile("a .csv file starts with a header row", null);
        }
        try {
            checkHeader(parser.getHeaderNames());
        } catch (UnreadableBatchFile e) {
            parser.close();
            throw e;
        }
        Iterator<CSVRecord> rows = parser.iterator();
        return new BatchFileRecords.LookaheadRecords() {
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
                    reader.recordDone();
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

    /**
     * Every column must name a field: not empty, not twice, a dotted name with a field on each side
     * of every dot, and not both a field and the group of another column. Columns are named by
     * their position, and by their name only when it is a plain field name (nothing else of the
     * file is quoted).
     */
    static void checkHeader(List<String> names) {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            int column = i + 1;
            if (name == null || name.isEmpty()) {
                throw header(column, name, "has no name");
            }
            Integer earlier = seen.putIfAbsent(name, column);
            if (earlier != null) {
                throw header(column, name, "repeats column " + earlier);
            }
            for (String part : name.split("\\.", -1)) {
                if (part.isEmpty()) {
                    throw header(column, name, "is not a field name: a dotted name needs a field on each side of"
                            + " every dot (e.g. backup_policy.schedule)");
                }
            }
        }
        for (int i = 0; i < names.size(); i++) {
            for (int j = 0; j < names.size(); j++) {
                if (names.get(j).startsWith(names.get(i) + ".")) {
                    throw header(i + 1, names.get(i), "is a field, and column " + (j + 1)
                            + " puts a field inside it");
                }
            }
        }
    }

    private static UnreadableBatchFile header(int column, String name, String problem) {
        boolean plain = name != null && name.matches("[A-Za-z0-9_.]{1,64}");
        return new UnreadableBatchFile("column " + column + (plain ? " (\"" + name + "\")" : "")
                + " of the header " + problem, null);
    }

    private static void put(ObjectNode object, String column, String value) {
        ObjectNode target = object;
        String[] path = column.split("\\.", -1);
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
}
