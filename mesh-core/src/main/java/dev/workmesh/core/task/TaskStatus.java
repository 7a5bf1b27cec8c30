package dev.workmesh.core.task;

import java.util.Locale;

/** Where a task is in its life. See {@link TaskTransitions} for the moves between them. */
public enum TaskStatus {
  /** Waiting for {@code not_before}, a retry backoff, or its dependencies. */
  PENDING,
  /** Claimable now. */
  READY,
  /** An agent holds the claim; the subagent has not reported it started. */
  CLAIMED,
  /** The subagent is working (broadcast: at least one target claimed it). */
  RUNNING,
  SUCCEEDED,
  /** Failed for good: no attempts left, a non-retryable failure, or a failed dependency. */
  FAILED,
  CANCELLED;

  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }

  /** The lower-case name used in JSON and SQL. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TaskStatus fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
