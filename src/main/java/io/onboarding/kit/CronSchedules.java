package io.onboarding.kit;

import java.text.ParseException;
import java.time.Duration;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/**
 * Backup schedules arrive as standard 5-field cron or as Quartz 6/7-field cron; Quartz runs them, so
 * 5-field expressions are translated (seconds added, day-of-week numbers shifted from 0-7 to 1-7, and
 * the day-of-month/day-of-week pair expressed with Quartz's '?'). Each field is checked against its
 * own grammar first: Quartz's parser ignores trailing text, and a schedule must never carry more
 * than a schedule. Problems name the cron field, never echo the input.
 */
public final class CronSchedules {

    private static final int MAX_LENGTH = 120;
    private static final Pattern SEPARATOR = Pattern.compile("[ \t]+");
    private static final Pattern SHIFTABLE_DAY = Pattern.compile("^(\\d+)(?:-(\\d+))?(/\\d+)?(L|#\\d)?$");
    /** Fire times sampled when measuring a schedule's shortest interval: a year of hourly runs. */
    private static final int SAMPLES = 9000;
    /**
     * Measuring a schedule walks up to a year of its runs (milliseconds of CPU), on the accept path and
     * again when scheduling: a schedule's outcome is kept, the few plan defaults and recent custom ones.
     */
    private static final int REMEMBERED = 1024;
    private static final Map<String, Checked> CHECKED = new ConcurrentHashMap<>();

    private CronSchedules() {
    }

    /** The Quartz form of a valid expression, or empty if it is not valid. */
    public static Optional<String> toQuartz(String expression) {
        return check(expression, Duration.ZERO).quartz();
    }

    /** The outcome of checking a schedule: its Quartz form, or a problem that never quotes the input. */
    public record Checked(Optional<String> quartz, String problem) {
        static Checked invalid(String problem) {
            return new Checked(Optional.empty(), problem);
        }
    }

    /** Grammar, then the shortest interval between two runs (at least {@code minInterval}). */
    public static Checked check(String expression, Duration minInterval) {
        if (expression == null || expression.isBlank() || expression.length() > MAX_LENGTH) {
            return Checked.invalid("must be a cron expression of at most " + MAX_LENGTH + " characters");
        }
        String[] fields = SEPARATOR.split(expression.strip().toUpperCase(Locale.ROOT));
        String quartz;
        if (fields.length == 5) {
            String problem = checkFields(fields, CronField.STANDARD);
            if (problem != null) {
                return Checked.invalid(problem);
            }
            quartz = fromStandard(fields);
            if (quartz == null) {
                return Checked.invalid("must not restrict both day of month and day of week (standard cron"
                        + " runs on either; Quartz cannot express that)");
            }
        } else if (fields.length == 6 || fields.length == 7) {
            String problem = checkFields(fields, fields.length == 6 ? CronField.QUARTZ : CronField.QUARTZ_YEAR);
            if (problem != null) {
                return Checked.invalid(problem);
            }
            if (!"?".equals(fields[3]) && !"?".equals(fields[5])) {
                return Checked.invalid("must have '?' in day of month or day of week (Quartz form)");
            }
            quartz = String.join(" ", fields);
        } else {
            return Checked.invalid("must be a cron expression: 5 fields (minute hour day month weekday)"
                    + " or Quartz's 6 or 7 (seconds first, optional year last)");
        }
        if (CHECKED.size() >= REMEMBERED) {
            CHECKED.clear();
        }
        return CHECKED.computeIfAbsent(quartz + "/" + minInterval.toSeconds(), key -> checkRuns(quartz, minInterval));
    }

    private static String checkFields(String[] fields, CronField[] grammar) {
        for (int i = 0; i < fields.length; i++) {
            if (!grammar[i].accepts(fields[i])) {
                return "field " + (i + 1) + " (" + grammar[i].label() + ") is not valid: " + grammar[i].allowed();
            }
        }
        return null;
    }

    /** Parsed by Quartz as a last check, then the gaps between its next runs measured. */
    private static Checked checkRuns(String quartz, Duration minInterval) {
        CronExpression cron;
        try {
            cron = new CronExpression(quartz);
        } catch (ParseException e) {
            return Checked.invalid("is not a valid cron expression");
        }
        Date previous = cron.getNextValidTimeAfter(new Date());
        if (previous == null) {
            return Checked.invalid("never runs");
        }
        if (!minInterval.isZero()) {
            long horizon = previous.getTime() + Duration.ofDays(366).toMillis();
            for (int i = 0; i < SAMPLES && previous != null && previous.getTime() < horizon; i++) {
                Date next = cron.getNextValidTimeAfter(previous);
                if (next != null && next.getTime() - previous.getTime() < minInterval.toMillis()) {
                    return Checked.invalid("runs more often than the minimum interval between backups ("
                            + minInterval.toSeconds() + " s)");
                }
                previous = next;
            }
        }
        return new Checked(Optional.of(quartz), null);
    }

    /** Standard cron as Quartz; null if both day fields are restricted. */
    private static String fromStandard(String[] fields) {
        String dayOfMonth = fields[2];
        String dayOfWeek = fields[4];
        boolean anyDayOfMonth = "*".equals(dayOfMonth) || "?".equals(dayOfMonth);
        boolean anyDayOfWeek = "*".equals(dayOfWeek) || "?".equals(dayOfWeek);
        if (!anyDayOfMonth && !anyDayOfWeek) {
            return null;
        }
        if (anyDayOfWeek) {
            dayOfMonth = "?".equals(dayOfMonth) ? "*" : dayOfMonth;
            dayOfWeek = "?";
        } else {
            dayOfMonth = "?";
            dayOfWeek = shiftDays(dayOfWeek);
        }
        return String.join(" ", "0", fields[0], fields[1], dayOfMonth, fields[3], dayOfWeek);
    }

    /** Cron's 0-7 (Sunday 0 or 7) as Quartz's 1-7 (Sunday 1), item by item; names stay. */
    private static String shiftDays(String dayOfWeek) {
        StringBuilder shifted = new StringBuilder();
        for (String item : dayOfWeek.split(",")) {
            if (!shifted.isEmpty()) {
                shifted.append(',');
            }
            shifted.append(shiftDay(item));
        }
        return shifted.toString();
    }

    private static String shiftDay(String item) {
        Matcher m = SHIFTABLE_DAY.matcher(item);
        if (!m.matches()) {
            return item; // '*', '*/n' and names mean the same in both
        }
        int from = Integer.parseInt(m.group(1));
        String step = m.group(3) == null ? "" : m.group(3);
        String suffix = m.group(4) == null ? "" : m.group(4);
        if (m.group(2) == null) {
            return (from % 7 + 1) + step + suffix;
        }
        int to = Integer.parseInt(m.group(2));
        if (to == 7) {
            // Sunday as 7 ends the range (0-7 is every day): Quartz's Sunday (1) comes first, so list
            // the days (0 and 7 are both Sunday, listed once).
            int every = step.isEmpty() ? 1 : Integer.parseInt(step.substring(1));
            StringBuilder days = new StringBuilder();
            java.util.Set<Integer> listed = new java.util.LinkedHashSet<>();
            for (int day = from; day <= to; day += every) {
                if (listed.add(day % 7 + 1)) {
                    days.append(days.isEmpty() ? "" : ",").append(day % 7 + 1);
                }
            }
            return days.toString();
        }
        return (from % 7 + 1) + "-" + (to % 7 + 1) + step;
    }
}
