package dev.workmesh.scheduler.job;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.springframework.scheduling.support.CronExpression;

/**
 * A classic 5-field cron expression ({@code minute hour day-of-month month day-of-week}) evaluated
 * in a time zone. Matching is Spring's {@link CronExpression} (prefixed with a {@code 0} seconds
 * field), so names ({@code MON-FRI}, {@code JAN}), ranges, lists, steps, {@code L}, {@code W},
 * {@code #} and {@code ?} work as Spring documents them. The macros {@code @yearly},
 * {@code @annually}, {@code @monthly}, {@code @weekly}, {@code @daily}, {@code @midnight} and
 * {@code @hourly} stand for their usual 5-field forms.
 *
 * <h2>Daylight saving</h2>
 *
 * <ul>
 *   <li><b>Spring forward (a gap):</b> a wall-clock time that does not exist that day is skipped;
 *       there is no fire for it that day. {@code 30 2 * * *} in Europe/Paris has no fire on
 *       2025-03-30 (02:00 jumps to 03:00) and fires again on 2025-03-31 at 02:30. This is Spring's
 *       behaviour, kept as is.
 *   <li><b>Fall back (an overlap):</b> a wall-clock time that happens twice fires once, at its
 *       first occurrence (the earlier, summer-time offset): {@code 30 2 * * *} in Europe/Paris fires
 *       on 2025-10-26 at 02:30+02:00 only. Spring alone would fire at 02:30+02:00 and again at
 *       02:30+01:00; this class drops the second. Exception, as in Vixie cron and cronie: when the
 *       minute or the hour field starts with {@code *} ({@code *}, {@code *}{@code /15}), the job
 *       is a cadence rather than a time of day and keeps firing through the repeated hour by
 *       elapsed time ({@code 0 * * * *} fires at 02:00+02:00 and 02:00+01:00, one hour apart).
 * </ul>
 */
public final class CronSchedule implements Schedule {

  static final String FIELDS = "5 fields: minute hour day-of-month month day-of-week";

  private static final Map<String, String> MACROS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");

  private final String expression;
  private final ZoneId zone;
  private final CronExpression cron;
  /** Cronie's MIN_STAR / HR_STAR: such jobs also fire in the repeated hour of a fall-back. */
  private final boolean cadence;

  private CronSchedule(String expression, ZoneId zone, CronExpression cron, boolean cadence) {
    this.expression = expression;
    this.zone = zone;
    this.cron = cron;
    this.cadence = cadence;
  }

  /**
   * Parses a 5-field expression (or a macro) for {@code zone}.
   *
   * @throws IllegalArgumentException saying what is wrong and what is expected
   */
  public static CronSchedule parse(String expression, ZoneId zone) {
    Objects.requireNonNull(zone, "zone");
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException(
          "expected a cron expression of " + FIELDS + ", e.g. \"30 6 * * 1-5\", got an empty string");
    }
    String normalized = String.join(" ", expression.strip().split("\\s+"));
    String fields = normalized.startsWith("@") ? macro(normalized) : normalized;
    String[] parts = fields.split(" ");
    if (parts.length != 5) {
      String hint = parts.length == 6 ? " (a seconds field is not supported)" : "";
      throw new IllegalArgumentException(
          "cron expression \"" + normalized + "\" has " + parts.length + " fields" + hint
              + "; expected " + FIELDS + ", e.g. \"30 6 * * 1-5\"");
    }
    CronExpression cron;
    try {
      cron = CronExpression.parse("0 " + fields);
    } catch (IllegalArgumentException e) {
      // Spring's outer message quotes the 6-field form we built; its cause names the bad field.
      String detail = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
      throw new IllegalArgumentException(
          "invalid cron expression \"" + normalized + "\": " + detail + "; expected " + FIELDS
              + ", e.g. \"30 6 * * 1-5\"");
    }
    if (cron.next(LocalDateTime.of(2000, 1, 1, 0, 0).atZone(zone)) == null) {
      throw new IllegalArgumentException(
          "cron expression \"" + normalized + "\" never matches a real date (such as 30 February)");
    }
    boolean cadence = parts[0].startsWith("*") || parts[1].startsWith("*");
    return new CronSchedule(normalized, zone, cron, cadence);
  }

  private static String macro(String name) {
    String fields = MACROS.get(name.toLowerCase(Locale.ROOT));
    if (fields == null) {
      throw new IllegalArgumentException(
          "unknown cron macro \"" + name + "\"; expected one of @yearly, @annually, @monthly, @weekly,"
              + " @daily, @midnight, @hourly, or " + FIELDS);
    }
    return fields;
  }

  /** The expression as written, with runs of whitespace collapsed to one space. */
  public String expression() {
    return expression;
  }

  public ZoneId zone() {
    return zone;
  }

  @Override
  public Instant nextAfter(Instant t) {
    ZonedDateTime candidate = ZonedDateTime.ofInstant(t, zone);
    while (true) {
      candidate = cron.next(candidate);
      if (candidate == null) {
        throw new IllegalStateException("cron \"" + expression + "\" has no fire after " + t);
      }
      if (cadence || !isRepeatedWallTime(candidate)) {
        return candidate.toInstant();
      }
    }
  }

  /** True for the second occurrence of a wall-clock time in a fall-back overlap. */
  private static boolean isRepeatedWallTime(ZonedDateTime time) {
    return !time.getOffset().equals(time.withEarlierOffsetAtOverlap().getOffset());
  }

  @Override
  public String canonical() {
    return "cron expression=" + expression + " zone=" + zone.getId();
  }

  @Override
  public String describe() {
    return "cron \"" + expression + "\" in " + zone.getId();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CronSchedule other && expression.equals(other.expression) && zone.equals(other.zone);
  }

  @Override
  public int hashCode() {
    return Objects.hash(expression, zone);
  }

  @Override
  public String toString() {
    return describe();
  }
}
