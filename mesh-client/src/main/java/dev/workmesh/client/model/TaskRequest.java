package dev.workmesh.client.model;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A submission, the one record of a task's submitted fields: the body of {@code POST
 * /work/missions/{id}/tasks}, the MCP tool's arguments, a cron job's task, what mesh-core validates and
 * stores (a column per component) and what a {@link TaskView} shows. Only {@code title} is required. {@code claim_policy} is
 * first_claim (default), assigned or broadcast; {@code timeout} is "30m", "2h30m" or ISO-8601 "PT30M".
 */
public record TaskRequest(
    String title,
    String description,
    String claimPolicy,
    UUID assignedAgent,
    String pool,
    List<String> requiredCapabilities,
    Integer priority,
    String runtime,
    JsonNode input,
    Integer maxAttempts,
    String timeout,
    Instant notBefore,
    List<UUID> dependsOn,
    UUID parentTaskId,
    String idempotencyKey) {

  /** A copy of the input object: changing it does not change the request. */
  @Override
  public JsonNode input() {
    return input == null ? null : input.deepCopy();
  }

  /** A first_claim task with a title and a prompt. */
  public static TaskRequest of(String title, String description) {
    return new TaskRequest(title, description, null, null, null, null, null, null, null, null, null, null, null, null,
        null);
  }

  public TaskRequest withRuntime(String runtime, JsonNode input) {
    return copy(claimPolicy, assignedAgent, pool, runtime, input, idempotencyKey);
  }

  public TaskRequest withPool(String pool) {
    return copy(claimPolicy, assignedAgent, pool, runtime, input, idempotencyKey);
  }

  public TaskRequest withPolicy(String claimPolicy, UUID assignedAgent) {
    return copy(claimPolicy, assignedAgent, pool, runtime, input, idempotencyKey);
  }

  public TaskRequest withIdempotencyKey(String key) {
    return copy(claimPolicy, assignedAgent, pool, runtime, input, key);
  }

  /** This request with the fields the {@code with} methods change replaced. */
  private TaskRequest copy(String claimPolicy, UUID assignedAgent, String pool, String runtime, JsonNode input,
      String idempotencyKey) {
    return new TaskRequest(title, description, claimPolicy, assignedAgent, pool, requiredCapabilities, priority,
        runtime, input, maxAttempts, timeout, notBefore, dependsOn, parentTaskId, idempotencyKey);
  }
}
