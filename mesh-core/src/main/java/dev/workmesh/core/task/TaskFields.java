package dev.workmesh.core.task;

import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.core.DurationText;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The submitted fields of a task, typed for the engine: read from the one submission record ({@link
 * TaskRequest}) after {@link TaskValidator} filled its defaults. A field added to the submission record is
 * reachable as {@code request().field()} without a line here.
 */
public interface TaskFields {

  /** The submission, with defaults filled and wire forms normalized. */
  TaskRequest request();

  default String title() {
    return request().title();
  }

  default String description() {
    return request().description();
  }

  default ClaimPolicy claimPolicy() {
    return ClaimPolicy.fromWire(request().claimPolicy());
  }

  default UUID assignedAgent() {
    return request().assignedAgent();
  }

  default String pool() {
    return request().pool();
  }

  default List<String> requiredCapabilities() {
    return request().requiredCapabilities() == null ? List.of() : request().requiredCapabilities();
  }

  default int priority() {
    return request().priority() == null ? 0 : request().priority();
  }

  default String runtime() {
    return request().runtime();
  }

  default JsonNode input() {
    return request().input();
  }

  default int maxAttempts() {
    return request().maxAttempts() == null ? TaskValidator.DEFAULT_MAX_ATTEMPTS : request().maxAttempts();
  }

  /** The per-attempt timeout, or null for the mesh default. */
  default Duration timeout() {
    return request().timeout() == null ? null : DurationText.parse(request().timeout());
  }

  default Instant notBefore() {
    return request().notBefore();
  }

  default List<UUID> dependsOn() {
    return request().dependsOn() == null ? List.of() : request().dependsOn();
  }

  default UUID parentTaskId() {
    return request().parentTaskId();
  }

  default String idempotencyKey() {
    return request().idempotencyKey();
  }
}
