package io.onboarding.kit;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The grammar of one cron field: numbers in the field's range (or month/day names), {@code *},
 * ranges, steps and lists; {@code ?} only in the day fields; {@code L W} in day of month;
 * {@code L #} in day of week. Anything else is refused, so nothing but a schedule gets through.
 */
record CronField(String label, int min, int max, List<String> names, int nameBase, boolean days, char kind) {

    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG",
            "SEP", "OCT", "NOV", "DEC");
    private static final List<String> WEEKDAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    private static final String VALUE = "(\\d{1,4}|[A-Z]{3})";
    private static final Pattern RANGE = Pattern.compile(VALUE + "(?:-" + VALUE + ")?(?:/(\\d{1,4}))?");
    private static final Pattern STAR = Pattern.compile("\\*(?:/(\\d{1,4}))?");
    private static final Pattern LAST_DAY = Pattern.compile("L(?:-(\\d{1,2}))?|LW|(\\d{1,2})W");
    private static final Pattern WEEKDAY_SPECIAL = Pattern.compile("L|" + VALUE + "L|" + VALUE + "#([1-5])");

    private static final char PLAIN = 'p';
    private static final char DAY_OF_MONTH = 'm';
    private static final char DAY_OF_WEEK = 'w';

    static final CronField[] STANDARD = {
        plain("minute", 0, 59), plain("hour", 0, 23), dayOfMonth(),
        new CronField("month", 1, 12, MONTHS, 1, false, PLAIN),
        new CronField("day of week", 0, 7, WEEKDAYS, 0, true, DAY_OF_WEEK)};
    static final CronField[] QUARTZ = {
        plain("second", 0, 59), plain("minute", 0, 59), plain("hour", 0, 23), dayOfMonth(),
        new CronField("month", 1, 12, MONTHS, 1, false, PLAIN),
        new CronField("day of week", 1, 7, WEEKDAYS, 1, true, DAY_OF_WEEK)};
    static final CronField[] QUARTZ_YEAR = {
        QUARTZ[0], QUARTZ[1], QUARTZ[2], QUARTZ[3], QUARTZ[4], QUARTZ[5], plain("year", 1970, 2099)};

    private static CronField plain(String label, int min, int max) {
        return new CronField(label, min, max, List.of(), 0, false, PLAIN);
    }

    private static CronField dayOfMonth() {
        return new CronField("day of month", 1, 31, List.of(), 0, true, DAY_OF_MONTH);
    }

    /** What the field takes, for the 400 message. */
    String allowed() {
        String values = min + "-" + max + (names.isEmpty() ? "" : " or " + names.get(0) + "-" + names.get(names.size() - 1));
        String specials = switch (kind) {
            case DAY_OF_MONTH -> ", ? L W";
            case DAY_OF_WEEK -> ", ? L #";
            default -> "";
        };
        return values + " with * / , -" + specials;
    }

    boolean accepts(String field) {
        if (days && "?".equals(field)) {
            return true;
        }
        if (kind == DAY_OF_MONTH && LAST_DAY.matcher(field).matches()) {
            return lastDay(field);
        }
        if (kind == DAY_OF_WEEK) {
            Matcher special = WEEKDAY_SPECIAL.matcher(field);
            if (special.matches()) {
                String day = special.group(1) != null ? special.group(1) : special.group(2);
                return day == null || value(day) >= 0;
            }
        }
        if (field.startsWith(",") || field.endsWith(",")) {
            return false;
        }
        for (String item : field.split(",")) {
            if (!item(item)) {
                return false;
            }
        }
        return true;
    }

    private boolean lastDay(String field) {
        Matcher m = LAST_DAY.matcher(field);
        m.matches();
        if (m.group(1) != null) {
            return Integer.parseInt(m.group(1)) <= 30;
        }
        return m.group(2) == null || value(m.group(2)) >= 1;
    }

    private boolean item(String item) {
        Matcher star = STAR.matcher(item);
        if (star.matches()) {
            return star.group(1) == null || step(star.group(1));
        }
        Matcher range = RANGE.matcher(item);
        if (!range.matches()) {
            return false;
        }
        int from = value(range.group(1));
        if (from < 0 || range.group(3) != null && !step(range.group(3))) {
            return false;
        }
        if (range.group(2) == null) {
            return true;
        }
        // Both ends numbers or both names: "1-FRI" means different days in cron and in Quartz.
        boolean sameKind = Character.isDigit(range.group(1).charAt(0)) == Character.isDigit(range.group(2).charAt(0));
        int to = value(range.group(2));
        return sameKind && to >= from;
    }

    private boolean step(String step) {
        int n = Integer.parseInt(step);
        return n >= 1 && n <= max - min + 1;
    }

    /** The number a value stands for, or -1 if it is out of range or no name of this field. */
    private int value(String value) {
        if (Character.isDigit(value.charAt(0))) {
            int n = Integer.parseInt(value);
            return n >= min && n <= max ? n : -1;
        }
        int index = names.indexOf(value);
        return index < 0 ? -1 : index + nameBase;
    }
}
