package dev.workmesh.scheduler.job;

import dev.workmesh.core.task.ClaimPolicy;
import dev.workmesh.core.task.TaskValidator;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * The task a job submits on every fire: the {@code [job.task]} table of {@code cron.toml}. Field
 * meanings and bounds are those of a MeshTask submission ({@code NewTask} and {@code TaskValidator} in
 * mesh-core).
 *
 * @param title required
 * @param description the prompt; null when not given
 * @param claimPolicy wire name: {@code first_claim} (default), {@code assigned} or {@code broadcast}
 * @param assignedAgent the id (a UUID, in lower case) of the agent an {@code assigned} task is for;
 *     the loader rejects anything else. Set if and only if {@code claimPolicy} is {@code assigned}
 * @param pool default {@code "default"}
 * @param requiredCapabilities distinct and sorted; empty by default
 * @param priority higher first; default 0
 * @param runtime runtime hint ({@code claude_code}, {@code bash}, ...); null when not given
 * @param input free-form JSON object; empty by default. The record keeps its own copy and
 *     {@link #input()} returns a fresh copy, so the template stays immutable.
 * @param maxAttempts 1..{@link TaskValidator#MAX_ATTEMPTS}, default {@link TaskValidator#DEFAULT_MAX_ATTEMPTS}
 * @param timeout per attempt; null means the mesh default
 */
public record TaskTemplate(
    String title,
    @Nullable String description,
    String claimPolicy,
    @Nullable String assignedAgent,
    String pool,
    List<String> requiredCapabilities,
    int priority,
    @Nullable String runtime,
    ObjectNode input,
    int maxAttempts,
    @Nullable Duration timeout) {

  public static final String FIRST_CLAIM = ClaimPolicy.FIRST_CLAIM.wire();
  public static final String ASSIGNED = ClaimPolicy.ASSIGNED.wire();
  public static final String BROADCAST = ClaimPolicy.BROADCAST.wire();
  public static final Set<String> CLAIM_POLICIES =
      Arrays.stream(ClaimPolicy.values()).map(ClaimPolicy::wire).collect(Collectors.toUnmodifiableSet());

  public TaskTemplate {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(claimPolicy, "claimPolicy");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(input, "input");
    if (!CLAIM_POLICIES.contains(claimPolicy)) {
      throw new IllegalArgumentException("unknown claim policy " + claimPolicy);
    }
    if (ASSIGNED.equals(claimPolicy) != (assignedAgent != null)) {
      throw new IllegalArgumentException("assignedAgent is set if and only if claimPolicy is assigned");
    }
    if (maxAttempts < 1 || maxAttempts > TaskValidator.MAX_ATTEMPTS) {
      throw new IllegalArgumentException("maxAttempts must be in 1.." + TaskValidator.MAX_ATTEMPTS);
    }
    requiredCapabilities = requiredCapabilities.stream().distinct().sorted().toList();
    input = input.deepCopy();
  }

  /** A copy of the input object; changing it does not change the template. */
  @Override
  public ObjectNode input() {
    return input.deepCopy();
  }
}
