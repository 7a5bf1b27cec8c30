package dev.workmesh.scheduler.job;

import java.time.Instant;

/**
 * When a job fires. A schedule is a pure function of its definition: every replica computes the
 * same instants, which is what lets "job name + scheduled instant" identify a fire.
 */
public sealed interface Schedule permits CronSchedule, IntervalSchedule {

  /**
   * The first scheduled instant strictly after {@code t}. For any {@code t} the answer is the
   * smallest member greater than {@code t} of one fixed set of instants, so walking forward from
   * different starting points never disagrees.
   */
  Instant nextAfter(Instant t);

  /** A stable, canonical text of this schedule, used in a job's content hash. */
  String canonical();

  /** A short human text such as {@code cron "30 6 * * 1-5" in Europe/Paris} or {@code every 2h30m}. */
  String describe();
}
