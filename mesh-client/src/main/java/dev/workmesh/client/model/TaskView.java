package dev.workmesh.client.model;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A task as the API shows it: what was submitted ({@link TaskRequest}, with the mesh's defaults filled,
 * its fields flat beside the others) and its state. {@code attempts} only on {@code GET /work/tasks/{id}}
 * and a single submission, and with them {@code usage_total}, the usage of its attempts summed (null when
 * none reported any); {@code waiting_reason} only while a ready or pending task is one that no connected
 * agent could claim.
 */
public record TaskView(
    UUID id,
    UUID missionId,
    @JsonUnwrapped TaskRequest request,
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

  public TaskView(UUID id, UUID missionId, TaskRequest request, String status, int attempt,
      boolean cancelRequested, JsonNode result, String error, String submittedBy, Instant createdAt,
      Instant readyAt, Instant finishedAt, Instant updatedAt, List<AttemptView> attempts) {
    this(id, missionId, request, status, attempt, cancelRequested, result, error, submittedBy, createdAt, readyAt,
        finishedAt, updatedAt, attempts, null, null);
  }

  /** This view with its waiting reason. */
  public TaskView withWaitingReason(WaitingReason reason) {
    return new TaskView(id, missionId, request, status, attempt, cancelRequested, result, error, submittedBy,
        createdAt, readyAt, finishedAt, updatedAt, attempts, usageTotal, reason);
  }

  public String title() {
    return request.title();
  }

  public String description() {
    return request.description();
  }

  public String claimPolicy() {
    return request.claimPolicy();
  }

  public UUID assignedAgent() {
    return request.assignedAgent();
  }

  public String pool() {
    return request.pool();
  }

  public List<String> requiredCapabilities() {
    return request.requiredCapabilities();
  }

  public int priority() {
    return request.priority() == null ? 0 : request.priority();
  }

  public String runtime() {
    return request.runtime();
  }

  public JsonNode input() {
    return request.input();
  }

  public int maxAttempts() {
    return request.maxAttempts() == null ? 0 : request.maxAttempts();
  }

  public String timeout() {
    return request.timeout();
  }

  public Instant notBefore() {
    return request.notBefore();
  }

  public List<UUID> dependsOn() {
    return request.dependsOn();
  }

  public UUID parentTaskId() {
    return request.parentTaskId();
  }

  public String idempotencyKey() {
    return request.idempotencyKey();
  }
}
