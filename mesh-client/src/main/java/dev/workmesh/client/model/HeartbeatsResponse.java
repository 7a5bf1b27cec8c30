package dev.workmesh.client.model;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The answer to {@code POST /work/heartbeats}: one result per claim, in order. {@code status} is the HTTP
 * status a heartbeat of that claim alone would have had: 200 renews the lease (and carries the new lease
 * and whether cancellation was requested); 409 means the claim is no longer live (stop the attempt, report
 * nothing); 403 another agent's claim; 404 no such task. A refused claim changes nothing; the others stand.
 */
public record HeartbeatsResponse(List<Result> results) {

  public record Result(
      UUID taskId,
      boolean accepted,
      Integer status,
      UUID attemptId,
      Instant leaseExpiresAt,
      Boolean cancelRequested,
      String detail) {

    /** Whether the task's cancellation was requested (an accepted heartbeat only). */
    public boolean cancelled() {
      return Boolean.TRUE.equals(cancelRequested);
    }
  }
}
