package dev.workmesh.scheduler.fire;

import java.util.Locale;

/** What one attempt to fire a (job, instant) came to. */
public enum FireOutcome {
  /** This replica fired it: the fire record and the task committed together. */
  SUBMITTED,
  /** This replica fired it, but mesh-core refused the task; the fire record carries the error. */
  REJECTED,
  /** Another replica, or an earlier run, already fired it (or a later instant): nothing was done. */
  ALREADY_FIRED;

  /** The metric tag and JSON value: {@code submitted}, {@code rejected}, {@code already_fired}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
