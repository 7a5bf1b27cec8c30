package dev.workmesh.scheduler.job;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Decides which scheduled instants of a job fire now, applying its {@link MisfirePolicy}.
 *
 * <p>A pure function of (job, last fire, registered at, now, grace): no clock, no state, no I/O.
 * Every replica given the same inputs returns the same instants, so "job name + scheduled instant"
 * can key a unique fire record and at most one replica wins each fire.
 *
 * <p>The candidates are the scheduled instants {@code s} with {@code reference < s <= now}, where
 * the reference is the scheduled instant of the last fire, or, for a job that never fired, the
 * instant the job was registered (first loaded). Let {@code latest} be the greatest candidate:
 *
 * <ul>
 *   <li>{@link MisfirePolicy#SKIP}: {@code latest} fires if {@code now - latest <= grace}; every
 *       older candidate, and {@code latest} itself when it is older than the grace, is skipped.
 *   <li>{@link MisfirePolicy#FIRE_ONCE}: {@code latest} fires whatever its age; the older candidates
 *       collapse into it.
 * </ul>
 *
 * A disabled job never has a due fire. Either way at most one instant is due per call, so a
 * scheduler that was down for a week fires a job at most once when it comes back.
 */
public final class DueFirePlanner {

  /** How late a scheduled instant may still fire under {@code skip}: one minute. */
  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(1);

  /** The first look-back window when searching for the latest candidate; doubled until found. */
  private static final Duration FIRST_WINDOW = Duration.ofMinutes(1);

  private final Duration grace;

  public DueFirePlanner() {
    this(DEFAULT_GRACE);
  }

  /** @param grace how late an instant may still fire under {@code skip}; must be positive */
  public DueFirePlanner(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative() || grace.isZero()) {
      throw new IllegalArgumentException(
          "misfire grace must be positive (default 1m), got " + grace + ": with no grace a job under"
              + " misfire = \"skip\" would never fire");
    }
    this.grace = grace;
  }

  public Duration grace() {
    return grace;
  }

  /**
   * @param lastFire the scheduled instant (not the wall-clock time) of the job's last fire; null if
   *     it never fired. Manual "trigger now" fires are not scheduled instants and do not count.
   * @param registeredAt when the job was first registered; the reference for a job that never fired
   * @param now the current time
   */
  public DueFires plan(JobDefinition job, @Nullable Instant lastFire, Instant registeredAt, Instant now) {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(registeredAt, "registeredAt");
    Objects.requireNonNull(now, "now");
    if (!job.enabled()) {
      return DueFires.NOTHING;
    }
    Instant reference = lastFire != null ? lastFire : registeredAt;
    Schedule schedule = job.schedule();
    Instant first = schedule.nextAfter(reference);
    if (first.isAfter(now)) {
      return DueFires.NOTHING;
    }
    Instant latest = latestCandidate(schedule, reference, now);
    boolean olderCandidates = first.isBefore(latest);
    boolean fires =
        switch (job.misfire()) {
          case SKIP -> !Duration.between(latest, now).minus(grace).isPositive();
          case FIRE_ONCE -> true;
        };
    return fires ? new DueFires(List.of(latest), olderCandidates) : new DueFires(List.of(), true);
  }

  /**
   * The greatest scheduled instant in {@code (after, now]}, known to exist. Walking forward from
   * {@code after} would cost one step per missed instant (a per-minute job down for a year: half a
   * million); instead look back from {@code now} over a window that doubles until it holds an
   * instant. The answer is the same either way: the maximum of one fixed set of instants.
   */
  static Instant latestCandidate(Schedule schedule, Instant after, Instant now) {
    Duration window = FIRST_WINDOW;
    while (true) {
      Instant from = now.minus(window);
      boolean reachesBack = !from.isAfter(after);
      Instant start = reachesBack ? after : from;
      Instant latest = null;
      for (Instant next = schedule.nextAfter(start); !next.isAfter(now); next = schedule.nextAfter(next)) {
        latest = next;
      }
      if (latest != null) {
        return latest;
      }
      if (reachesBack) {
        throw new IllegalStateException("no scheduled instant in (" + after + ", " + now + "]");
      }
      window = window.multipliedBy(2);
    }
  }
}
