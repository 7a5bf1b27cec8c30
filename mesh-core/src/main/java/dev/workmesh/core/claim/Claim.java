package dev.workmesh.core.claim;

import dev.workmesh.core.task.MeshTask;
import java.time.Instant;
import java.util.UUID;

/**
 * A won claim: the task, the attempt, and the fencing token that every report on this attempt must
 * carry. The token exists only here; the database keeps its hash.
 */
public record Claim(MeshTask task, UUID attemptId, int attemptNumber, String claimToken, Instant leaseExpiresAt) {

  @Override
  public String toString() {
    return "Claim[task=" + task.id() + ", attempt=" + attemptId + ", number=" + attemptNumber + ", lease="
        + leaseExpiresAt + "]";
  }
}
