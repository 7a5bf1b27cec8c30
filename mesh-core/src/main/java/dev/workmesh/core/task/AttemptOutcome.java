package dev.workmesh.core.task;

import java.util.Locale;

/** How one attempt ended. */
public enum AttemptOutcome {
  SUCCEEDED,
  FAILED,
  TIMED_OUT,
  CANCELLED,
  /** Its lease lapsed, or its agent was revoked or disconnected: nobody reported. */
  LOST,
  /** Its agent gave the claim back (with a reason); not counted against the task's max_attempts. */
  RELEASED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AttemptOutcome fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
