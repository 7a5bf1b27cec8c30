package dev.workmesh.worker.dispatch;

import dev.workmesh.client.MeshClient;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.core.JacksonException;

/**
 * A dispatch record as mesh-api publishes it on {@code mesh.tasks.pooled} and {@code
 * mesh.tasks.directed} (mesh-core's {@code DispatchRecord}, snake_case JSON). A hint only: the claim
 * through the API decides. The worker reads the wire format itself rather than depending on mesh-core,
 * which carries the database driver; a test holds the two to the same shape.
 */
public record DispatchHint(
    UUID taskId,
    UUID missionId,
    String claimPolicy,
    String pool,
    int priority,
    List<String> requiredCapabilities,
    List<UUID> targets,
    String reason,
    Instant dispatchedAt) {

  public DispatchHint {
    requiredCapabilities = requiredCapabilities == null ? List.of() : List.copyOf(requiredCapabilities);
    targets = targets == null ? List.of() : List.copyOf(targets);
  }

  /** The record, or empty when it is not a dispatch record (malformed, or no task id). */
  public static Optional<DispatchHint> parse(byte[] value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      DispatchHint hint = MeshClient.JSON.readValue(value, DispatchHint.class);
      return hint == null || hint.taskId() == null ? Optional.empty() : Optional.of(hint);
    } catch (JacksonException e) {
      return Optional.empty();
    }
  }

  public boolean targets(UUID agentId) {
    return targets.contains(agentId);
  }
}
