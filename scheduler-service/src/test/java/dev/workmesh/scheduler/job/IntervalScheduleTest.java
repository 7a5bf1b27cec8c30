package dev.workmesh.scheduler.job;

import dev.workmesh.core.DurationText;
import static dev.workmesh.scheduler.job.CronScheduleTest.fires;
import static dev.workmesh.scheduler.job.CronScheduleTest.instants;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IntervalScheduleTest {

  @Test
  void oneDayFiresAtMidnightUtcBecauseIntervalsAreAnchoredAtTheEpoch() {
    IntervalSchedule daily = IntervalSchedule.every(DurationText.parse("1d"));

    assertThat(fires(daily, Instant.parse("2025-06-15T13:37:00Z"), 2))
        .isEqualTo(instants("2025-06-16T00:00:00Z", "2025-06-17T00:00:00Z"));
  }

  @Test
  void twoHoursThirtyFiresOnTheEpochGrid() {
    IntervalSchedule schedule = IntervalSchedule.every(DurationText.parse("2h30m"));
    // 2025-01-01T00:00Z is 20089 days = 192854.4 periods of 2h30m after the epoch.
    Instant from = Instant.parse("2025-01-01T00:00:00Z");

    assertThat(fires(schedule, from, 3))
        .isEqualTo(instants("2025-01-01T01:30:00Z", "2025-01-01T04:00:00Z", "2025-01-01T06:30:00Z"));
  }

  @Test
  void nextAfterIsStrictlyAfterEvenOnAGridInstant() {
    IntervalSchedule schedule = IntervalSchedule.every(Duration.ofMinutes(30));

    assertThat(schedule.nextAfter(Instant.parse("2025-01-01T10:30:00Z"))).isEqualTo(Instant.parse("2025-01-01T11:00:00Z"));
    assertThat(schedule.nextAfter(Instant.parse("2025-01-01T10:29:59.999999999Z")))
        .isEqualTo(Instant.parse("2025-01-01T10:30:00Z"));
  }

  @Test
  void everyReplicaComputesTheSameInstantsWhateverItStartsFrom() {
    IntervalSchedule schedule = IntervalSchedule.every(Duration.ofMinutes(150));
    Instant grid = Instant.parse("2025-01-01T04:00:00Z");

    for (long offset = 1; offset <= 9_000; offset += 997) {
      assertThat(schedule.nextAfter(grid.minusSeconds(offset))).isEqualTo(grid);
    }
  }

  @Test
  void daylightSavingDoesNotMoveIntervals() {
    IntervalSchedule hourly = IntervalSchedule.every(Duration.ofHours(1));

    // Across the Paris fall-back (2025-10-26 01:00Z) fires stay exactly one hour apart.
    assertThat(fires(hourly, Instant.parse("2025-10-25T23:30:00Z"), 4))
        .isEqualTo(
            instants("2025-10-26T00:00:00Z", "2025-10-26T01:00:00Z", "2025-10-26T02:00:00Z", "2025-10-26T03:00:00Z"));
  }

  @Test
  void worksBeforeTheAnchorAndWithAnyAnchor() {
    IntervalSchedule epoch = IntervalSchedule.every(Duration.ofHours(1));
    assertThat(epoch.nextAfter(Instant.parse("1969-12-31T22:30:00Z"))).isEqualTo(Instant.parse("1969-12-31T23:00:00Z"));
    assertThat(epoch.nextAfter(Instant.parse("1969-12-31T23:00:00Z"))).isEqualTo(Instant.EPOCH);

    IntervalSchedule anchored = new IntervalSchedule(Duration.ofHours(2), Instant.parse("2025-01-01T00:17:00Z"));
    assertThat(anchored.nextAfter(Instant.parse("2025-03-01T09:00:00Z"))).isEqualTo(Instant.parse("2025-03-01T10:17:00Z"));
  }

  @Test
  void rejectsIntervalsUnderOneSecondOrOverAYear() {
    assertThatThrownBy(() -> IntervalSchedule.every(Duration.ofMillis(500))).hasMessageContaining("between 1s and 366d");
    assertThatThrownBy(() -> IntervalSchedule.every(Duration.ofDays(367))).hasMessageContaining("between 1s and 366d");
  }
}
