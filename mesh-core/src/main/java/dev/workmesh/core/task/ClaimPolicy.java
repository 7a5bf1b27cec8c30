package dev.workmesh.core.task;

import java.util.Locale;

/** Who may claim a task. */
public enum ClaimPolicy {
  /** Any eligible agent; exactly one wins. */
  FIRST_CLAIM,
  /** Only {@code assigned_agent}. */
  ASSIGNED,
  /** Every eligible agent connected when the task became ready, each with its own attempt. */
  BROADCAST;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ClaimPolicy fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
