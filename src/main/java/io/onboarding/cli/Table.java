package io.onboarding.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Rows printed as aligned columns, two spaces apart, the header in capitals. */
final class Table {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    Table(List<String> header) {
        this.header = header.stream().map(name -> Output.safe(name.toUpperCase(Locale.ROOT), false)).toList();
    }

    Table row(List<String> cells) {
        rows.add(cells.stream().map(Table::cell).toList());
        return this;
    }

    void print(PrintWriter out) {
        int[] widths = new int[header.size()];
        for (List<String> row : allRows()) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : allRows()) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                line.append(i < widths.length - 1 ? pad(row.get(i), widths[i]) + "  " : row.get(i));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    private List<List<String>> allRows() {
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        return all;
    }

    /** Missing values as "-", nothing that would break a line, no other control character ({@link Output#safe}). */
    private static String cell(String value) {
        return value == null || value.isEmpty() ? "-" : Output.safe(value.replaceAll("[\\r\\n\\t]+", " "), false);
    }

    private static String pad(String value, int width) {
        return value + " ".repeat(width - value.length());
    }
}
