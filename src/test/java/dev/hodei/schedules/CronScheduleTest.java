package dev.hodei.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A schedule's cron read in its time zone: the two syntaxes, fire times across DST, refusals. No Spring. */
class CronScheduleTest {

    static final ZoneId MADRID = ZoneId.of("Europe/Madrid");

    @Test
    void quartzExpressionsAreKeptAndTheZoneDefaultsToUtc() {
        CronSchedule s = CronSchedule.parse("0 30 2 * * ?", "Europe/Madrid");
        assertThat(s.expression()).isEqualTo("0 30 2 * * ?");
        assertThat(s.zone()).isEqualTo(MADRID);
        assertThat(CronSchedule.parse("0 0 12 1 1 ? 2030", "UTC").expression()).as("7 fields: with a year")
                .isEqualTo("0 0 12 1 1 ? 2030");
        assertThat(CronSchedule.parse("  */5   * * * * ? ", null).expression()).as("extra blanks dropped")
                .isEqualTo("*/5 * * * * ?");
        assertThat(CronSchedule.parse("* * * * * ?", null).zone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(CronSchedule.parse("* * * * * ?", " ").zone()).isEqualTo(ZoneId.of("UTC"));
    }

    @Test
    void theUnixFormIsReadAsSecondZero() {
        assertThat(CronSchedule.parse("30 2 * * *", "UTC").expression()).isEqualTo("0 30 2 * * ?");
        // a weekday given: Quartz wants '?' for the day of month instead
        assertThat(CronSchedule.parse("0 9 * * MON-FRI", "UTC").expression()).isEqualTo("0 0 9 ? * MON-FRI");
        assertThat(CronSchedule.parse("0 0 1 * *", "UTC").expression()).isEqualTo("0 0 0 1 * ?");
    }

    @Test
    void theCamelUriValueHasPlusForSpaces() {
        assertThat(CronSchedule.parse("0 9 * * MON-FRI", "UTC").uriValue()).isEqualTo("0+0+9+?+*+MON-FRI");
    }

    @Test
    void nextFireTimesAreStrictlyAfterTheInstantAndInOrder() {
        CronSchedule everyFive = CronSchedule.parse("*/5 * * * * ?", "UTC");
        assertThat(everyFive.next(Instant.parse("2025-01-01T00:00:00Z"), 3)).containsExactly(
                Instant.parse("2025-01-01T00:00:05Z"), Instant.parse("2025-01-01T00:00:10Z"),
                Instant.parse("2025-01-01T00:00:15Z"));
        assertThat(everyFive.next(Instant.parse("2025-01-01T00:00:04.999Z"), 1))
                .containsExactly(Instant.parse("2025-01-01T00:00:05Z"));
        // a schedule whose only fire has passed has no next one
        assertThat(CronSchedule.parse("0 0 12 1 1 ? 2020", "UTC").next(Instant.parse("2025-01-01T00:00:00Z"), 3)).isEmpty();
    }

    @Test
    void fireTimesKeepTheirLocalTimeAcrossADaylightSavingChange() {
        CronSchedule nine = CronSchedule.parse("0 9 * * *", "Europe/Madrid");
        // Madrid moves from +01:00 to +02:00 on 2025-03-30 and back on 2025-10-26
        List<Instant> spring = nine.next(Instant.parse("2025-03-28T12:00:00Z"), 3);
        assertThat(spring).containsExactly(Instant.parse("2025-03-29T08:00:00Z"), Instant.parse("2025-03-30T07:00:00Z"),
                Instant.parse("2025-03-31T07:00:00Z"));
        assertThat(Duration.between(spring.get(0), spring.get(1))).as("the short day").isEqualTo(Duration.ofHours(23));
        List<Instant> autumn = nine.next(Instant.parse("2025-10-25T00:00:00Z"), 2);
        assertThat(Duration.between(autumn.get(0), autumn.get(1))).as("the long day").isEqualTo(Duration.ofHours(25));
        assertThat(spring).allSatisfy(t -> assertThat(t.atZone(MADRID).toLocalTime()).isEqualTo(LocalTime.of(9, 0)));
        assertThat(autumn).allSatisfy(t -> assertThat(t.atZone(MADRID).toLocalTime()).isEqualTo(LocalTime.of(9, 0)));
    }

    @Test
    void aLocalTimeTheClockSkipsDoesNotFireThatDayAndOneItRepeatsFiresOnce() {
        // Quartz's rule, which schedules inherit: 02:30 does not exist in Madrid on 2025-03-30 ...
        CronSchedule half = CronSchedule.parse("30 2 * * *", "Europe/Madrid");
        assertThat(half.next(Instant.parse("2025-03-28T12:00:00Z"), 2))
                .containsExactly(Instant.parse("2025-03-29T01:30:00Z"), Instant.parse("2025-03-31T00:30:00Z"));
        // ... and happens twice on 2025-10-26: one fire, at the second 02:30 (+01:00)
        assertThat(half.next(Instant.parse("2025-10-25T12:00:00Z"), 2))
                .containsExactly(Instant.parse("2025-10-26T01:30:00Z"), Instant.parse("2025-10-27T01:30:00Z"));
    }

    @Test
    void firesBetweenTwoInstantsExcludeBothEndsAndStopAtTheCap() {
        CronSchedule everySecond = CronSchedule.parse("* * * * * ?", "UTC");
        Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
        assertThat(everySecond.between(t0, t0.plusSeconds(3), 10)).containsExactly(t0.plusSeconds(1), t0.plusSeconds(2));
        assertThat(everySecond.between(t0, t0.plusSeconds(100), 2)).containsExactly(t0.plusSeconds(1), t0.plusSeconds(2));
    }

    @Test
    void missedFiresAreCountedWithTheFirstAndTheLast() {
        CronSchedule everySecond = CronSchedule.parse("* * * * * ?", "UTC");
        Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
        assertThat(everySecond.missed(t0, t0.plusSeconds(6)))
                .isEqualTo(new CronSchedule.Missed(5, t0.plusSeconds(1), t0.plusSeconds(5)));
        assertThat(everySecond.missed(t0, t0.plusMillis(1000))).as("the fire at the end is not missed yet")
                .isEqualTo(new CronSchedule.Missed(0, null, null));
    }

    @Test
    void invalidExpressionsAreRefusedNamingTheFieldAndWhatToDo() {
        assertRefused("", "UTC", "cron: must not be empty");
        assertRefused(null, "UTC", "cron: must not be empty");
        assertRefused("* * * *", "UTC", "cron: '* * * *' has 4 fields; use Quartz (sec min hour day month weekday [year])"
                + " or Unix (min hour day month weekday)");
        assertRefused("* * * * * * * *", "UTC", "cron: '* * * * * * * *' has 8 fields");
        // Unix numbers Sunday 0, Quartz 1: a number would silently fire on the wrong day
        assertRefused("0 9 * * 1-5", "UTC", "cron: in the 5-field form give weekdays as names (MON-FRI), not numbers");
        assertRefused("0 9 1 * MON", "UTC", "cron: Quartz cannot combine a day of month and a day of week");
        assertRefused("61 * * * * ?", "UTC", "cron: '61 * * * * ?' is not a cron expression: ");
        assertRefused("0 0 9 * * MON", "UTC", "cron: '0 0 9 * * MON' is not a cron expression: ");
        assertRefused("* * * * * ?", "Mars/Olympus", "time_zone: 'Mars/Olympus' is not a time zone (e.g. Europe/Madrid, UTC)");
    }

    @Test
    void aBadCronAndABadZoneAreReportedTogether() {
        assertThatThrownBy(() -> CronSchedule.parse("* * * *", "Nowhere/Land")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("time_zone: 'Nowhere/Land' is not a time zone")
                .hasMessageContaining("; cron: '* * * *' has 4 fields");
    }

    private static void assertRefused(String cron, String zone, String message) {
        assertThatThrownBy(() -> CronSchedule.parse(cron, zone)).as(cron).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }
}
