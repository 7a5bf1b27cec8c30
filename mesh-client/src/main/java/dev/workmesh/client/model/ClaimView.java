package dev.workmesh.client.model;

import java.time.Instant;
import java.util.UUID;

/** A won claim. Keep {@code claim_token}: every report on this attempt must carry it. */
public record ClaimView(TaskView task, UUID attemptId, int attemptNumber, String claimToken, Instant leaseExpiresAt) {

  @Override
  public String toString() {
    return "ClaimView[task=" + (task == null ? null : task.id()) + ", attempt=" + attemptId + "]";
  }
}
