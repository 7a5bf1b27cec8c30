package dev.workmesh.scheduler.job;

import static dev.workmesh.scheduler.job.CronScheduleTest.NEW_YORK;
import static dev.workmesh.scheduler.job.CronScheduleTest.PARIS;
import static dev.workmesh.scheduler.job.CronScheduleTest.fires;
import static dev.workmesh.scheduler.job.CronScheduleTest.instants;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cron schedules across daylight-saving transitions (Europe/Paris: 2025-03-30 02:00 CET to 03:00
 * CEST, 2025-10-26 03:00 CEST back to 02:00 CET; America/New_York: 2025-03-09 and 2025-11-02).
 */
class CronDaylightSavingTest {


  @Test
  void aTimeInTheSpringForwardGapIsSkippedThatDay() {
    // Paris, 2025-03-30: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist that day.
    CronSchedule at0230 = CronSchedule.parse("30 2 * * *", PARIS);

    assertThat(fires(at0230, Instant.parse("2025-03-28T12:00:00Z"), 3))
        .isEqualTo(
            instants(
                "2025-03-29T01:30:00Z", // 02:30 CET
                "2025-03-31T00:30:00Z", // 02:30 CEST: no fire on the 30th
                "2025-04-01T00:30:00Z"));
  }

  @Test
  void aTimeInTheSpringForwardGapIsSkippedInNewYorkToo() {
    // New York, 2025-03-09: 02:00 EST jumps to 03:00 EDT.
    assertThat(fires(CronSchedule.parse("30 2 * * *", NEW_YORK), Instant.parse("2025-03-08T12:00:00Z"), 2))
        .isEqualTo(instants("2025-03-10T06:30:00Z", "2025-03-11T06:30:00Z"));
  }

  @Test
  void anHourlyCadenceHasNoFireForTheMissingHour() {
    assertThat(fires(CronSchedule.parse("0 * * * *", PARIS), Instant.parse("2025-03-29T23:30:00Z"), 3))
        .isEqualTo(
            instants(
                "2025-03-30T00:00:00Z", // 01:00 CET
                "2025-03-30T01:00:00Z", // 03:00 CEST, one hour later: there was no 02:00
                "2025-03-30T02:00:00Z"));
  }

  @Test
  void aTimeInTheFallBackOverlapFiresOnceAtItsFirstOccurrence() {
    // Paris, 2025-10-26: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice.
    CronSchedule at0230 = CronSchedule.parse("30 2 * * *", PARIS);

    assertThat(fires(at0230, Instant.parse("2025-10-25T12:00:00Z"), 2))
        .isEqualTo(
            instants(
                "2025-10-26T00:30:00Z", // 02:30 CEST
                "2025-10-27T01:30:00Z")); // next day 02:30 CET; not 2025-10-26T01:30Z (02:30 CET)
  }

  @Test
  void theSecondOccurrenceIsNotReturnedFromAnyStartingPoint() {
    CronSchedule at0230 = CronSchedule.parse("30 2 * * *", PARIS);
    Instant nextDay = Instant.parse("2025-10-27T01:30:00Z");

    for (String from : List.of("2025-10-26T00:30:00Z", "2025-10-26T00:45:00Z", "2025-10-26T01:00:00Z",
        "2025-10-26T01:29:59Z")) {
      assertThat(at0230.nextAfter(Instant.parse(from))).as("from %s", from).isEqualTo(nextDay);
    }
  }

  @Test
  void aTimeInTheFallBackOverlapFiresOnceInNewYork() {
    // New York, 2025-11-02: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
    assertThat(fires(CronSchedule.parse("30 1 * * *", NEW_YORK), Instant.parse("2025-11-01T12:00:00Z"), 2))
        .isEqualTo(instants("2025-11-02T05:30:00Z", "2025-11-03T06:30:00Z"));
  }

  @Test
  void aWildcardHourCadenceKeepsFiringThroughTheRepeatedHour() {
    // As in Vixie cron / cronie: "every hour" stays one hour apart by elapsed time.
    assertThat(fires(CronSchedule.parse("0 * * * *", PARIS), Instant.parse("2025-10-25T22:30:00Z"), 4))
        .isEqualTo(
            instants(
                "2025-10-25T23:00:00Z", // 01:00 CEST
                "2025-10-26T00:00:00Z", // 02:00 CEST
                "2025-10-26T01:00:00Z", // 02:00 CET
                "2025-10-26T02:00:00Z")); // 03:00 CET
    assertThat(fires(CronSchedule.parse("*/30 * * * *", PARIS), Instant.parse("2025-10-25T23:45:00Z"), 4))
        .isEqualTo(
            instants("2025-10-26T00:00:00Z", "2025-10-26T00:30:00Z", "2025-10-26T01:00:00Z", "2025-10-26T01:30:00Z"));
  }

  @Test
  void nextAfterAgreesWithTheForwardWalkFromEveryStartingPointAroundTransitions() {
    // nextAfter(t) must be the least fire > t of one fixed set, or replicas starting from
    // different instants could disagree about which instants exist.
    for (String expression : List.of("30 2 * * *", "0 * * * *", "*/20 * * * *", "*/10 2 * * *", "15 1-3 * * *")) {
      CronSchedule schedule = CronSchedule.parse(expression, PARIS);
      for (Instant day : instants("2025-03-29T20:00:00Z", "2025-10-25T20:00:00Z")) {
        Instant end = day.plus(Duration.ofHours(10));
        List<Instant> walk = new ArrayList<>();
        for (Instant t = schedule.nextAfter(day); !t.isAfter(end); t = schedule.nextAfter(t)) {
          walk.add(t);
        }
        for (Instant t = day; t.isBefore(end); t = t.plusSeconds(300)) {
          Instant from = t;
          Instant expected = walk.stream().filter(f -> f.isAfter(from)).findFirst().orElse(null);
          if (expected != null) {
            assertThat(schedule.nextAfter(t)).as("%s from %s", expression, t).isEqualTo(expected);
          }
        }
      }
    }
  }
}
