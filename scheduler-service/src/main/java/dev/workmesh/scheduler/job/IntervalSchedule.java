package dev.workmesh.scheduler.job;

import dev.workmesh.core.DurationText;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Fires every {@code every}, at {@code anchor + k * every} for every integer {@code k}.
 *
 * <p>Intervals are exact elapsed time: daylight saving and time zones do not move them ({@code "1d"}
 * is 24 hours, not "same wall-clock time tomorrow"; use a cron schedule for that).
 *
 * <p>The job-file loader anchors every interval at the Unix epoch ({@link #EPOCH}), not at the
 * moment a job was first loaded: the instants then depend only on the file, so every replica, and
 * a restarted replica, computes the same grid without shared state, and a fire's identity (job +
 * instant) is stable across restarts. The price: {@code "1d"} fires at 00:00 UTC and {@code "7h"}
 * at instants aligned to 1970-01-01T00:00Z, not relative to the job's creation.
 */
public record IntervalSchedule(Duration every, Instant anchor) implements Schedule {

  /** The anchor the job-file loader uses: 1970-01-01T00:00:00Z. */
  public static final Instant EPOCH = Instant.EPOCH;

  /** The shortest interval accepted. */
  public static final Duration MINIMUM = Duration.ofSeconds(1);

  /** The longest interval accepted: 366 days, so that instants stay far inside {@link Instant}'s range. */
  public static final Duration MAXIMUM = Duration.ofDays(366);

  public IntervalSchedule {
    Objects.requireNonNull(every, "every");
    Objects.requireNonNull(anchor, "anchor");
    if (every.compareTo(MINIMUM) < 0 || every.compareTo(MAXIMUM) > 0) {
      throw new IllegalArgumentException(
          "interval must be between 1s and 366d, got " + DurationText.format(every));
    }
  }

  /** An interval anchored at the epoch, as the job-file loader builds it. */
  public static IntervalSchedule every(Duration every) {
    return new IntervalSchedule(every, EPOCH);
  }

  @Override
  public Instant nextAfter(Instant t) {
    Duration elapsed = Duration.between(anchor, t);
    long periods = elapsed.dividedBy(every); // truncates towards zero
    if (elapsed.isNegative() && !every.multipliedBy(periods).equals(elapsed)) {
      periods--; // floor for instants before the anchor
    }
    return anchor.plus(every.multipliedBy(periods + 1));
  }

  @Override
  public String canonical() {
    return "interval every=" + every + " anchor=" + anchor;
  }

  @Override
  public String describe() {
    return "every " + DurationText.format(every);
  }
}
