package io.onboarding.backup;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/**
 * Backup schedules arrive as standard 5-field cron or as Quartz 6/7-field cron; Quartz runs them, so
 * 5-field expressions are translated (seconds added, day-of-week numbers shifted from 0-7 to 1-7, and
 * the day-of-month/day-of-week pair expressed with Quartz's '?').
 */
public final class CronSchedules {

    private static final Pattern DAY_NUMBER = Pattern.compile("(?<![/\\d])(\\d+)");

    private CronSchedules() {
    }

    /** The Quartz form of a valid expression, or empty with no reason if it is not valid. */
    public static Optional<String> toQuartz(String expression) {
        if (expression == null) {
            return Optional.empty();
        }
        String[] fields = expression.trim().split("\\s+");
        String quartz;
        if (fields.length == 5) {
            String dayOfMonth = fields[2];
            String dayOfWeek = fields[4];
            if (!"*".equals(dayOfMonth) && !"*".equals(dayOfWeek)) {
                return Optional.empty(); // standard cron ORs the two; Quartz cannot express that
            }
            if ("*".equals(dayOfWeek)) {
                dayOfWeek = "?";
            } else {
                dayOfMonth = "?";
                dayOfWeek = shiftDayNumbers(dayOfWeek);
                if (dayOfWeek == null) {
                    return Optional.empty();
                }
            }
            quartz = String.join(" ", "0", fields[0], fields[1], dayOfMonth, fields[3], dayOfWeek);
        } else if (fields.length == 6 || fields.length == 7) {
            quartz = String.join(" ", fields);
        } else {
            return Optional.empty();
        }
        return CronExpression.isValidExpression(quartz) ? Optional.of(quartz) : Optional.empty();
    }

    /** Cron's 0-7 (Sunday 0 or 7) as Quartz's 1-7 (Sunday 1); null if a day is out of range. */
    private static String shiftDayNumbers(String dayOfWeek) {
        Matcher matcher = DAY_NUMBER.matcher(dayOfWeek);
        StringBuilder shifted = new StringBuilder();
        while (matcher.find()) {
            int day = Integer.parseInt(matcher.group(1));
            if (day > 7) {
                return null;
            }
            matcher.appendReplacement(shifted, Integer.toString(day % 7 + 1));
        }
        matcher.appendTail(shifted);
        return shifted.toString();
    }
}
