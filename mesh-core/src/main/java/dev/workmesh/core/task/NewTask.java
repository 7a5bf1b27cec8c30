package dev.workmesh.core.task;

import dev.workmesh.client.model.TaskRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A submission ({@link TaskRequest}, the one submission record) built in Java with typed values. Only
 * {@code title} is required; {@link TaskValidator} fills defaults (policy first_claim, pool "default",
 * priority 0, max_attempts 3) and says what is wrong with the rest.
 */
public final class NewTask {

  private NewTask() {}

  /** A first_claim task with just a title and a prompt; the rest defaults. */
  public static TaskRequest of(String title, String description) {
    return builder(title).description(description).build();
  }

  public static Builder builder(String title) {
    return new Builder(title);
  }

  /** Sets fields by their record names and copies them into a {@link TaskRequest} ({@link TaskRecords}). */
  public static final class Builder {
    private final Map<String, Object> fields = new HashMap<>();

    private Builder(String title) {
      fields.put("title", title);
    }

    private Builder set(String field, Object value) {
      fields.put(field, value);
      return this;
    }

    public Builder description(String v) { return set("description", v); }
    public Builder claimPolicy(ClaimPolicy v) { return set("claimPolicy", v); }
    public Builder assignedAgent(UUID v) { return set("assignedAgent", v); }
    public Builder pool(String v) { return set("pool", v); }
    public Builder requiredCapabilities(List<String> v) { return set("requiredCapabilities", v); }
    public Builder priority(Integer v) { return set("priority", v); }
    public Builder runtime(String v) { return set("runtime", v); }
    public Builder input(JsonNode v) { return set("input", v); }
    public Builder maxAttempts(Integer v) { return set("maxAttempts", v); }
    public Builder timeout(Duration v) { return set("timeout", v); }
    public Builder notBefore(Instant v) { return set("notBefore", v); }
    public Builder dependsOn(List<UUID> v) { return set("dependsOn", v); }
    public Builder parentTaskId(UUID v) { return set("parentTaskId", v); }
    public Builder idempotencyKey(String v) { return set("idempotencyKey", v); }

    public TaskRequest build() {
      Map<String, Object> given = new HashMap<>(fields);
      given.values().removeIf(java.util.Objects::isNull);
      return TaskRecords.copy(given, TaskRequest.class);
    }
  }
}
