package io.onboarding.postgres;

import java.util.regex.Pattern;

/**
 * The only way identifiers reach SQL text: names the service derives itself are checked against a
 * strict pattern and double-quoted; anything else is a bug and fails loudly.
 */
public final class SqlIdentifiers {

    private static final Pattern SAFE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private SqlIdentifiers() {
    }

    public static String quote(String identifier) {
        if (identifier == null || !SAFE.matcher(identifier).matches()) {
            throw new IllegalArgumentException("refusing unsafe SQL identifier: " + identifier);
        }
        return '"' + identifier + '"';
    }

    /**
     * A string literal for the few statements that take no bind parameters (COMMENT ON, CREATE ROLE
     * ... PASSWORD). Only values the service generated itself are passed here.
     */
    public static String literal(String value) {
        if (value == null || value.indexOf('\0') >= 0 || value.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("refusing unsafe SQL literal");
        }
        return "'" + value.replace("'", "''") + "'";
    }
}
