package dev.workmesh.core.task;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A submission. Only {@code title} is required; {@link TaskValidator} fills defaults (policy
 * first_claim, pool "default", priority 0, max_attempts 3) and says what is wrong with the rest.
 */
public record NewTask(
    String title,
    String description,
    ClaimPolicy claimPolicy,
    UUID assignedAgent,
    String pool,
    List<String> requiredCapabilities,
    Integer priority,
    String runtime,
    JsonNode input,
    Integer maxAttempts,
    Duration timeout,
    Instant notBefore,
    List<UUID> dependsOn,
    UUID parentTaskId,
    String idempotencyKey) {

  /** A first_claim task with just a title and a prompt; the rest defaults. */
  public static NewTask of(String title, String description) {
    return builder(title).description(description).build();
  }

  public static Builder builder(String title) {
    return new Builder(title);
  }

  /** Builds a {@link NewTask} without a fifteen-argument constructor call. */
  public static final class Builder {
    private final String title;
    private String description;
    private ClaimPolicy claimPolicy;
    private UUID assignedAgent;
    private String pool;
    private List<String> requiredCapabilities;
    private Integer priority;
    private String runtime;
    private JsonNode input;
    private Integer maxAttempts;
    private Duration timeout;
    private Instant notBefore;
    private List<UUID> dependsOn;
    private UUID parentTaskId;
    private String idempotencyKey;

    private Builder(String title) {
      this.title = title;
    }

    public Builder description(String v) { this.description = v; return this; }
    public Builder claimPolicy(ClaimPolicy v) { this.claimPolicy = v; return this; }
    public Builder assignedAgent(UUID v) { this.assignedAgent = v; return this; }
    public Builder pool(String v) { this.pool = v; return this; }
    public Builder requiredCapabilities(List<String> v) { this.requiredCapabilities = v; return this; }
    public Builder priority(Integer v) { this.priority = v; return this; }
    public Builder runtime(String v) { this.runtime = v; return this; }
    public Builder input(JsonNode v) { this.input = v; return this; }
    public Builder maxAttempts(Integer v) { this.maxAttempts = v; return this; }
    public Builder timeout(Duration v) { this.timeout = v; return this; }
    public Builder notBefore(Instant v) { this.notBefore = v; return this; }
    public Builder dependsOn(List<UUID> v) { this.dependsOn = v; return this; }
    public Builder parentTaskId(UUID v) { this.parentTaskId = v; return this; }
    public Builder idempotencyKey(String v) { this.idempotencyKey = v; return this; }

    public NewTask build() {
      return new NewTask(title, description, claimPolicy, assignedAgent, pool, requiredCapabilities, priority,
          runtime, input, maxAttempts, timeout, notBefore, dependsOn, parentTaskId, idempotencyKey);
    }
  }
}
