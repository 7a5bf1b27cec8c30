package dev.workmesh.scheduler.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CronScheduleTest {

  static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  /** The first {@code count} instants strictly after {@code from}. */
  static List<Instant> fires(Schedule schedule, Instant from, int count) {
    List<Instant> out = new ArrayList<>();
    Instant t = from;
    for (int i = 0; i < count; i++) {
      t = schedule.nextAfter(t);
      out.add(t);
    }
    return out;
  }

  static List<Instant> instants(String... isoInstants) {
    return Arrays.stream(isoInstants).map(Instant::parse).toList();
  }

  @Test
  void nextFireIsComputedInTheJobsZone() {
    CronSchedule weekdays = CronSchedule.parse("30 6 * * 1-5", NEW_YORK);

    // Friday 2025-01-10 12:00Z; next weekday 06:30 in New York (UTC-5) is Monday 11:30Z.
    assertThat(fires(weekdays, Instant.parse("2025-01-10T12:00:00Z"), 2))
        .isEqualTo(instants("2025-01-13T11:30:00Z", "2025-01-14T11:30:00Z"));
    // The same expression in Paris (UTC+1) is six hours earlier.
    assertThat(CronSchedule.parse("30 6 * * 1-5", PARIS).nextAfter(Instant.parse("2025-01-10T12:00:00Z")))
        .isEqualTo(Instant.parse("2025-01-13T05:30:00Z"));
  }

  @Test
  void nextAfterIsStrictlyAfter() {
    CronSchedule hourly = CronSchedule.parse("0 * * * *", ZoneId.of("UTC"));

    assertThat(hourly.nextAfter(Instant.parse("2025-01-01T10:00:00Z"))).isEqualTo(Instant.parse("2025-01-01T11:00:00Z"));
    assertThat(hourly.nextAfter(Instant.parse("2025-01-01T09:59:59.999Z")))
        .isEqualTo(Instant.parse("2025-01-01T10:00:00Z"));
  }

  @Test
  void acceptsNamesStepsListsAndMacros() {
    Instant from = Instant.parse("2025-01-01T00:00:30Z"); // a Wednesday
    ZoneId utc = ZoneId.of("UTC");

    assertThat(CronSchedule.parse("0 9 * * MON-FRI", utc).nextAfter(from)).isEqualTo(Instant.parse("2025-01-01T09:00:00Z"));
    assertThat(CronSchedule.parse("*/15 * * * *", utc).nextAfter(from)).isEqualTo(Instant.parse("2025-01-01T00:15:00Z"));
    assertThat(CronSchedule.parse("0 0 1,15 * *", utc).nextAfter(from)).isEqualTo(Instant.parse("2025-01-15T00:00:00Z"));
    assertThat(CronSchedule.parse("@daily", utc).nextAfter(from)).isEqualTo(Instant.parse("2025-01-02T00:00:00Z"));
    assertThat(CronSchedule.parse("@hourly", utc).nextAfter(from)).isEqualTo(Instant.parse("2025-01-01T01:00:00Z"));
    assertThat(CronSchedule.parse("  30   6 * *  1-5 ", utc).expression()).isEqualTo("30 6 * * 1-5");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0 30 6 * * 1-5", "30 6 * *", "30", "* * * * * * *"})
  void rejectsAnythingButFiveFields(String expression) {
    assertThatThrownBy(() -> CronSchedule.parse(expression, PARIS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5 fields: minute hour day-of-month month day-of-week");
  }

  @Test
  void sixFieldsAreExplainedAsAnUnsupportedSecondsField() {
    assertThatThrownBy(() -> CronSchedule.parse("0 30 6 * * 1-5", PARIS))
        .hasMessageContaining("has 6 fields (a seconds field is not supported)");
  }

  @Test
  void invalidFieldsAreNamedInTheFiveFieldForm() {
    assertThatThrownBy(() -> CronSchedule.parse("30 25 * * *", PARIS))
        .hasMessageStartingWith("invalid cron expression \"30 25 * * *\": Invalid value for HourOfDay")
        .hasMessageContaining("5 fields: minute hour day-of-month month day-of-week")
        .hasMessageNotContaining("0 30 25");
    assertThatThrownBy(() -> CronSchedule.parse("0 0 30 2 *", PARIS)).hasMessageContaining("never matches");
    assertThatThrownBy(() -> CronSchedule.parse("@often", PARIS)).hasMessageContaining("unknown cron macro");
    assertThatThrownBy(() -> CronSchedule.parse(" ", PARIS)).hasMessageContaining("empty");
  }

  @Test
  void equalityIsByExpressionAndZone() {
    assertThat(CronSchedule.parse("30 6 * * *", PARIS)).isEqualTo(CronSchedule.parse(" 30  6 * * * ", PARIS));
    assertThat(CronSchedule.parse("30 6 * * *", PARIS)).isNotEqualTo(CronSchedule.parse("30 6 * * *", NEW_YORK));
  }
}
