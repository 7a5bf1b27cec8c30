package dev.workmesh.core.broadcast;

import java.util.Arrays;

/** Where one agent stands with one broadcast task: the {@code broadcast_target.status} column. */
public enum TargetStatus {
  /** Fixed when the task became ready; claimable by its agent once {@code available_at} has passed. */
  READY,
  /** Allowed by the schema for a target waiting on time; the claim and the sweep treat it as ready. */
  PENDING,
  CLAIMED,
  RUNNING,
  SUCCEEDED,
  /** Failed for good: the broadcast task fails with it. */
  FAILED,
  CANCELLED;

  public String wire() {
    return name().toLowerCase();
  }

  public static TargetStatus fromWire(String wire) {
    return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown broadcast target status '" + wire + "'"));
  }

  /** Waiting for its agent to claim. */
  public boolean isOpen() {
    return this == READY || this == PENDING;
  }

  /** Its agent holds a live attempt. */
  public boolean isWorking() {
    return this == CLAIMED || this == RUNNING;
  }
}
