package dev.workmesh.client.model;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A task as the API shows it; {@code attempts} only on {@code GET /work/tasks/{id}} and a single
 * submission, and with them {@code usage_total}, the usage of its attempts summed (null when none reported
 * any); {@code waiting_reason} only while a ready or pending task is one that no connected agent could claim.
 */
public record TaskView(
    UUID id,
    UUID missionId,
    String title,
    String description,
    String claimPolicy,
    UUID assignedAgent,
    String pool,
    List<String> requiredCapabilities,
    int priority,
    String runtime,
    JsonNode input,
    int maxAttempts,
    String timeout,
    Instant notBefore,
    List<UUID> dependsOn,
    UUID parentTaskId,
    String idempotencyKey,
    String status,
    int attempt,
    boolean cancelRequested,
    JsonNode result,
    String error,
    String submittedBy,
    Instant createdAt,
    Instant readyAt,
    Instant finishedAt,
    Instant updatedAt,
    List<AttemptView> attempts,
    Spending usageTotal,
    WaitingReason waitingReason) {

  public TaskView(UUID id, UUID missionId, String title, String description, String claimPolicy,
      UUID assignedAgent, String pool, List<String> requiredCapabilities, int priority, String runtime,
      JsonNode input, int maxAttempts, String timeout, Instant notBefore, List<UUID> dependsOn, UUID parentTaskId,
      String idempotencyKey, String status, int attempt, boolean cancelRequested, JsonNode result, String error,
      String submittedBy, Instant createdAt, Instant readyAt, Instant finishedAt, Instant updatedAt,
      List<AttemptView> attempts) {
    this(id, missionId, title, description, claimPolicy, assignedAgent, pool, requiredCapabilities, priority,
        runtime, input, maxAttempts, timeout, notBefore, dependsOn, parentTaskId, idempotencyKey, status, attempt,
        cancelRequested, result, error, submittedBy, createdAt, readyAt, finishedAt, updatedAt, attempts, null, null);
  }

  public TaskView(UUID id, UUID missionId, String title, String description, String claimPolicy,
      UUID assignedAgent, String pool, List<String> requiredCapabilities, int priority, String runtime,
      JsonNode input, int maxAttempts, String timeout, Instant notBefore, List<UUID> dependsOn, UUID parentTaskId,
      String idempotencyKey, String status, int attempt, boolean cancelRequested, JsonNode result, String error,
      String submittedBy, Instant createdAt, Instant readyAt, Instant finishedAt, Instant updatedAt,
      List<AttemptView> attempts, Spending usageTotal) {
    this(id, missionId, title, description, claimPolicy, assignedAgent, pool, requiredCapabilities, priority,
        runtime, input, maxAttempts, timeout, notBefore, dependsOn, parentTaskId, idempotencyKey, status, attempt,
        cancelRequested, result, error, submittedBy, createdAt, readyAt, finishedAt, updatedAt, attempts, usageTotal,
        null);
  }

  /** This view with its waiting reason. */
  public TaskView withWaitingReason(WaitingReason reason) {
    return new TaskView(id, missionId, title, description, claimPolicy, assignedAgent, pool, requiredCapabilities,
        priority, runtime, input, maxAttempts, timeout, notBefore, dependsOn, parentTaskId, idempotencyKey, status,
        attempt, cancelRequested, result, error, submittedBy, createdAt, readyAt, finishedAt, updatedAt, attempts,
        usageTotal, reason);
  }
}
