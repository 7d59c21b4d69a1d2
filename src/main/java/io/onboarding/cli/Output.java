package io.onboarding.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * What a command prints: with {@code --output table} (the default) aligned columns, with
 * {@code --output json} the API's JSON exactly as it answered. Errors and, under json, progress go to
 * stderr, so stdout stays one JSON document.
 * <p>
 * Everything printed passes {@link #safe}: a control character from the server (C0, DEL, C1, and the
 * line, paragraph and bidirectional-override characters) is printed as its {@code \}{@code uXXXX}
 * escape, never as itself, so a tenant name or a suspension reason cannot move the cursor, clear the
 * screen, set the window title or hide text in the operator's terminal. The only line breaks are the
 * ones printed here (and those between the tokens of a JSON body, kept so JSON stays JSON); inside a
 * JSON string the escape is JSON's own, so {@code --output json} still parses to the same values.
 */
final class Output {

    enum Format { table, json }

    /** A column of a list: its header and where its value is in an item ({@code database.name}). */
    record Column(String header, String path) {
        static Column of(String path) {
            return new Column(path.replace('.', '_'), path);
        }
    }

    private final Format format;
    private final PrintWriter out;
    private final PrintWriter err;

    Output(Format format, PrintWriter out, PrintWriter err) {
        this.format = format;
        this.out = out;
        this.err = err;
    }

    boolean json() {
        return format == Format.json;
    }

    /** A page {@code {"items":[...],"next_cursor"}}: the items in these columns, then how to get the next page. */
    void list(ApiAnswer answer, List<Column> columns) {
        if (json()) {
            raw(answer);
            return;
        }
        JsonNode page = answer.json();
        Table table = new Table(columns.stream().map(Column::header).toList());
        for (JsonNode item : page.path("items")) {
            table.row(columns.stream().map(column -> text(item.at(pointer(column.path())))).toList());
        }
        table.print(out);
        String next = page.path("next_cursor").asText(null);
        if (next != null && !page.path("next_cursor").isNull()) {
            println(out, "more: --cursor " + next);
        }
    }

    /** One object: its fields (nested ones dotted) as FIELD VALUE, then each list of objects as its own table. */
    void object(ApiAnswer answer) {
        if (json()) {
            raw(answer);
            return;
        }
        Table fields = new Table(List.of("field", "value"));
        List<Map.Entry<String, JsonNode>> lists = new ArrayList<>();
        flatten(answer.json(), "", fields, lists);
        fields.print(out);
        for (Map.Entry<String, JsonNode> list : lists) {
            out.println();
            println(out, list.getKey() + ":");
            Set<String> keys = new LinkedHashSet<>();
            list.getValue().forEach(item -> item.fieldNames().forEachRemaining(keys::add));
            Table table = new Table(List.copyOf(keys));
            list.getValue().forEach(item -> table.row(keys.stream().map(key -> text(item.path(key))).toList()));
            table.print(out);
        }
    }

    /** A line for people: printed under table output only (json prints the API's answer instead). */
    void note(String line) {
        if (!json()) {
            println(out, line);
        }
    }

    /** A line that follows an operation: stdout under table output, stderr under json. */
    void progress(String line) {
        println(json() ? err : out, line);
    }

    void raw(ApiAnswer answer) {
        if (answer.body() != null && !answer.body().isEmpty()) {
            out.println(safe(answer.body(), true));
            out.flush();
        }
    }

    /** The contract's error shape, readably: the message, then one line per field detail. */
    void error(ApiAnswer answer) {
        JsonNode error = answer.json().path("error");
        if (error.isObject()) {
            println(err, "error: " + error.path("message").asText("(no message)") + " (HTTP " + answer.status()
                    + ", " + error.path("code").asText("error") + ")");
            for (JsonNode detail : error.path("details")) {
                println(err, "  " + detail.path("field").asText("-") + ": " + detail.path("message").asText(""));
            }
        } else {
            String body = answer.body() == null ? "" : answer.body().strip();
            println(err, "error: HTTP " + answer.status() + (body.isEmpty() ? "" : ": " + abbreviate(body)));
        }
    }

    void error(String message) {
        println(err, "error: " + message);
    }

    /** One line: {@code text} made {@link #safe} (no line break of its own), then the line break. */
    private static void println(PrintWriter to, String text) {
        to.println(safe(text, false));
        to.flush();
    }

    /**
     * {@code text} with every control character as its {@code \}{@code uXXXX} escape: C0 (a line feed
     * too, unless {@code keepLineFeeds}), DEL, C1, U+2028/U+2029 and the bidirectional embeddings,
     * overrides and isolates. The one place the CLI's output is made safe for a terminal.
     */
    static String safe(String text, boolean keepLineFeeds) {
        if (text == null) {
            return null;
        }
        StringBuilder safe = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 && !(keepLineFeeds && c == '\n') || c >= 0x7f && c <= 0x9f
                    || c == 0x2028 || c == 0x2029 || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069;
            if (control && safe == null) {
                safe = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (safe != null) {
                if (control) {
                    safe.append(String.format("\\u%04x", (int) c));
                } else {
                    safe.append(c);
                }
            }
        }
        return safe == null ? text : safe.toString();
    }

    private static void flatten(JsonNode node, String prefix, Table fields, List<Map.Entry<String, JsonNode>> lists) {
        node.fields().forEachRemaining(field -> {
            String name = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(value, name + ".", fields, lists);
            } else if (value.isArray() && StreamSupport.stream(value.spliterator(), false).anyMatch(JsonNode::isObject)) {
                lists.add(Map.entry(name, value));
            } else {
                fields.row(List.of(name, text(value)));
            }
        });
    }

    /** A value as one cell: null or missing as "-", a list of values comma-separated. */
    static String text(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return "-";
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.isValueNode() ? item.asText() : item.toString()));
            return String.join(", ", items);
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private static String pointer(String dottedPath) {
        return "/" + dottedPath.replace('.', '/');
    }

    private static String abbreviate(String text) {
        return text.length() <= 2000 ? text : text.substring(0, 2000) + "...";
    }
}
