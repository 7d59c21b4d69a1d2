package io.onboarding.tenant.schema;

import io.onboarding.support.Catalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The design's tenant schema (section 3.2 of the design, kept verbatim in {@code design/tenant-schema.sql})
 * built in a database of its own, and what a database's catalog says of schema {@code public}: every
 * column with its type, nullability and default, every index definition, constraint, trigger and
 * function. Two databases with the same schema give the same lines (columns by name, not position).
 */
final class DesignSchema {

    private DesignSchema() {
    }

    /** A new database holding exactly the design's SQL; its name. */
    static String build(Catalog catalog) {
        String database = "design_reference_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        catalog.execute("postgres", "CREATE DATABASE " + database + " TEMPLATE template0 ENCODING 'UTF8'");
        catalog.execute(database, designSql());
        return database;
    }

    static String designSql() {
        try (InputStream in = DesignSchema.class.getResourceAsStream("/design/tenant-schema.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema of {@code public} in {@code database}, a line per object, sorted. */
    static List<String> of(Catalog catalog, String database) {
        List<String> lines = new ArrayList<>();
        lines.addAll(catalog.column(database, "SELECT 'column ' || c.relname || '.' || a.attname || ' '"
                + " || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END"
                + " || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')"
                + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                + " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'p', 'f') AND a.attnum > 0"
                + " AND NOT a.attisdropped"));
        lines.addAll(catalog.column(database, "SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'"));
        lines.addAll(catalog.column(database, "SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' '"
                + " || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace"));
        lines.addAll(catalog.column(database, "SELECT 'trigger ' || tgrelid::regclass || ' ' || tgname FROM pg_trigger"
                + " WHERE NOT tgisinternal"));
        lines.addAll(catalog.column(database, "SELECT 'function ' || p.oid::regprocedure FROM pg_proc p"
                + " WHERE p.pronamespace = 'public'::regnamespace"));
        lines.addAll(catalog.column(database, "SELECT 'relation ' || relname || ' ' || relkind::text FROM pg_class"
                + " WHERE relnamespace = 'public'::regnamespace AND relkind NOT IN ('i', 'S')"));
        lines.sort(null);
        return lines;
    }
}
