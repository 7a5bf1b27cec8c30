package dev.workmesh.core.task;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** One claim of a task by one agent: the durable audit record. Never deleted. */
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
    String error) {

  public boolean live() {
    return outcome == null;
  }
}
