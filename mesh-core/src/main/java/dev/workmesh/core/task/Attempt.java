package dev.workmesh.core.task;

import dev.workmesh.core.usage.AttemptUsage;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One claim of a task by one agent: the durable audit record. Never deleted. {@code usage} is what its
 * agent reported consuming, or null.
 */
public record Attempt(
    UUID id,
    UUID taskId,
    UUID agentId,
    int number,
    boolean broadcast,
    Instant leaseExpiresAt,
    Instant claimedAt,
    Instant startedAt,
    Instant finishedAt,
    AttemptOutcome outcome,
    Integer exitCode,
    String logTail,
    JsonNode result,
    String error,
    AttemptUsage usage) {

  public boolean live() {
    return outcome == null;
  }
}
