package dev.hodei.schedules;

import java.text.ParseException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * A schedule's cron expression read in its time zone. Quartz syntax (seconds first, 6 or 7 fields)
 * as camel-quartz uses it; the 5-field Unix form is accepted and read as "at second 0", as long as
 * its day-of-week is {@code *} or names (MON-FRI): Unix and Quartz number weekdays differently.
 */
public record CronSchedule(String expression, ZoneId zone) {

    /** @throws IllegalArgumentException naming {@code cron} or {@code time_zone} */
    public static CronSchedule parse(String cron, String timeZone) {
        List<String> problems = new ArrayList<>();
        ZoneId zone = null;
        try {
            zone = timeZone == null || timeZone.isBlank() ? ZoneId.of("UTC") : ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            problems.add("time_zone: '" + timeZone + "' is not a time zone (e.g. Europe/Madrid, UTC)");
        }
        String expression = null;
        try {
            expression = quartz(cron == null ? "" : cron.trim());
            new CronExpression(expression);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        } catch (ParseException e) {
            problems.add("cron: '" + cron + "' is not a cron expression: " + e.getMessage());
        }
        if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("; ", problems));
        return new CronSchedule(expression, zone);
    }

    private static String quartz(String cron) {
        String[] f = cron.split("\\s+");
        if (cron.isEmpty()) throw new IllegalArgumentException("cron: must not be empty");
        if (f.length == 6 || f.length == 7) return String.join(" ", f);
        if (f.length != 5) {
            throw new IllegalArgumentException("cron: '" + cron + "' has " + f.length
                    + " fields; use Quartz (sec min hour day month weekday [year]) or Unix (min hour day month weekday)");
        }
        String dom = f[2];
        String dow = f[4];
        if (dow.matches(".*\\d.*")) {
            throw new IllegalArgumentException("cron: in the 5-field form give weekdays as names (MON-FRI), not numbers");
        }
        if (dow.equals("*")) dow = "?";
        else if (dom.equals("*")) dom = "?";
        else throw new IllegalArgumentException("cron: Quartz cannot combine a day of month and a day of week");
        return String.join(" ", "0", f[0], f[1], dom, f[3], dow);
    }

    private CronExpression compiled() {
        try {
            CronExpression c = new CronExpression(expression);
            c.setTimeZone(TimeZone.getTimeZone(zone));
            return c;
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next {@code n} fire times after {@code after}. */
    public List<Instant> next(Instant after, int n) {
        CronExpression c = compiled();
        List<Instant> out = new ArrayList<>();
        Date t = Date.from(after);
        while (out.size() < n && (t = c.getNextValidTimeAfter(t)) != null) out.add(t.toInstant());
        return out;
    }

    /** Fire times strictly between the two instants, at most {@code cap} of them (the earliest). */
    public List<Instant> between(Instant after, Instant before, int cap) {
        CronExpression c = compiled();
        List<Instant> out = new ArrayList<>();
        Date t = Date.from(after);
        while (out.size() < cap && (t = c.getNextValidTimeAfter(t)) != null && t.toInstant().isBefore(before)) {
            out.add(t.toInstant());
        }
        return out;
    }

    /** The last fire time strictly before {@code before} and after {@code after}, and how many there are. */
    public Missed missed(Instant after, Instant before) {
        CronExpression c = compiled();
        long count = 0;
        Instant first = null;
        Instant last = null;
        Date t = Date.from(after);
        while ((t = c.getNextValidTimeAfter(t)) != null && t.toInstant().isBefore(before)) {
            if (first == null) first = t.toInstant();
            last = t.toInstant();
            count++;
            if (count >= 1_000_000) break; // a per-second cron down for eleven days: enough counting
        }
        return new Missed(count, first, last);
    }

    /** Fires missed between two instants. */
    public record Missed(long count, Instant first, Instant last) {}

    /** The expression as a camel-quartz URI value (spaces as '+'). */
    public String uriValue() {
        return expression.replace(' ', '+');
    }
}
