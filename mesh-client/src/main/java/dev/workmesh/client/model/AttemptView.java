package dev.workmesh.client.model;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One claim of a task: the audit record. The claim token is never shown here. {@code usage} is what its
 * agent reported consuming, or null.
 */
public record AttemptView(
    UUID id,
    UUID agentId,
    int number,
    boolean broadcast,
    Instant claimedAt,
    Instant startedAt,
    Instant finishedAt,
    Instant leaseExpiresAt,
    String outcome,
    Integer exitCode,
    String logTail,
    JsonNode result,
    String error,
    Usage usage) {

  public AttemptView(UUID id, UUID agentId, int number, boolean broadcast, Instant claimedAt, Instant startedAt,
      Instant finishedAt, Instant leaseExpiresAt, String outcome, Integer exitCode, String logTail, JsonNode result,
      String error) {
    this(id, agentId, number, broadcast, claimedAt, startedAt, finishedAt, leaseExpiresAt, outcome, exitCode, logTail,
        result, error, null);
  }
}
