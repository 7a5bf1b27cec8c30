package dev.workmesh.client.wire;

import dev.workmesh.client.MeshClient;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.core.JacksonException;

/**
 * A hint that a task can be claimed, as mesh-api publishes it (snake_case JSON): on {@code
 * mesh.tasks.pooled} for first_claim, on {@code mesh.tasks.directed} with its {@code targets} for
 * assigned and broadcast. The claim through the API decides; a record may be stale or repeated.
 * mesh-core writes it to the outbox, the task worker reads it from Kafka.
 */
public record DispatchRecord(
    UUID taskId,
    UUID missionId,
    String claimPolicy,
    String pool,
    int priority,
    List<String> requiredCapabilities,
    List<UUID> targets,
    String reason,
    Instant dispatchedAt) {

  public DispatchRecord {
    requiredCapabilities = requiredCapabilities == null ? List.of() : List.copyOf(requiredCapabilities);
    targets = targets == null ? List.of() : List.copyOf(targets);
  }

  /** The record, or empty when it is not a dispatch record (malformed, or no task id). */
  public static Optional<DispatchRecord> parse(byte[] value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      DispatchRecord record = MeshClient.JSON.readValue(value, DispatchRecord.class);
      return record == null || record.taskId() == null ? Optional.empty() : Optional.of(record);
    } catch (JacksonException e) {
      return Optional.empty();
    }
  }

  /** Whether this record names {@code agentId} among its targets (assigned and broadcast tasks). */
  public boolean targets(UUID agentId) {
    return targets.contains(agentId);
  }
}
