package io.onboarding.tenant;

import static io.onboarding.postgres.SqlIdentifiers.literal;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * The collation a tenant database is created with (the plan's, default the design's en_US.UTF-8):
 * the cluster's libc locale of that name when the server has one, else the same locale from ICU
 * (PostgreSQL 15's LOCALE_PROVIDER icu, with LC_COLLATE/LC_CTYPE "C" which every server has). A
 * database created again for the tenant (a restore) asks for the provider it got the first time.
 */
public final class DatabaseCollation {

    public static final String DEFAULT = "en_US.UTF-8";
    public static final String LIBC = "libc";
    public static final String ICU = "icu";

    /** language[_territory][.codeset][@modifier], as libc names them (ICU's en-US too). */
    private static final Pattern LOCALE =
            Pattern.compile("[A-Za-z]{1,8}([_-][A-Za-z0-9]{2,8})?(\\.[A-Za-z0-9-]{1,16})?(@[A-Za-z0-9]{1,16})?");
    /** What PostgreSQL says when the operating system has no such locale. */
    private static final String NO_SUCH_LOCALE = "invalid locale name";

    private DatabaseCollation() {
    }

    /** The locale name, or an exception naming where it came from: it ends up in SQL. */
    public static String validate(String locale, String source) {
        if (locale == null || !LOCALE.matcher(locale).matches()) {
            throw new IllegalStateException(source + " is not a locale name like en_US.UTF-8: " + locale);
        }
        return locale;
    }

    /** ICU's name of a libc locale: en_US.UTF-8 → en-US. */
    static String icuLocale(String locale) {
        return locale.replaceAll("[.@].*$", "").replace('_', '-');
    }

    /**
     * Runs {@code createDatabase} (a CREATE DATABASE without locale options) with the collation: the
     * recorded provider if any, else libc, falling back to ICU when the server lacks the locale. A
     * null collation is the cluster's default (tenants created before collations were configured).
     */
    public static void create(Statement statement, String createDatabase, String collation, String provider)
            throws SQLException {
        if (collation == null) {
            statement.execute(createDatabase);
            return;
        }
        validate(collation, "collation");
        if (!ICU.equals(provider)) {
            try {
                statement.execute(createDatabase + " LC_COLLATE " + literal(collation) + " LC_CTYPE " + literal(collation));
                return;
            } catch (SQLException e) {
                if (e.getMessage() == null || !e.getMessage().contains(NO_SUCH_LOCALE)) {
                    throw e;
                }
            }
        }
        statement.execute(createDatabase + " LOCALE_PROVIDER icu ICU_LOCALE " + literal(icuLocale(collation))
                + " LOCALE 'C'");
    }
}
