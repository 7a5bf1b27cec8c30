package dev.workmesh.worker.subagent;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * One claimed task attempt, as the worker hands it to the {@link SubagentLauncher}.
 *
 * @param taskId the task
 * @param missionId the task's mission
 * @param attemptId this attempt; names its directory under {@code <dataDir>/attempts}
 * @param claimToken the fencing token of the claim, passed to the subagent as {@code MESH_CLAIM_TOKEN}
 * @param title the task title; the prompt when the description is empty
 * @param description the prompt
 * @param runtime the runtime to run it with ({@code claude_code}, {@code bash}, …)
 * @param input the task's input JSON; an empty object when absent
 * @param timeout how long the attempt may run; {@code null} for no limit
 * @param apiUrl the mesh API the subagent may call, passed as {@code MESH_API_URL}; may be null
 */
public record AttemptSpec(
    UUID taskId,
    UUID missionId,
    UUID attemptId,
    String claimToken,
    String title,
    String description,
    String runtime,
    JsonNode input,
    Duration timeout,
    String apiUrl) {

  public AttemptSpec {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(missionId, "missionId");
    Objects.requireNonNull(attemptId, "attemptId");
    Objects.requireNonNull(runtime, "runtime");
    title = title == null ? "" : title;
    description = description == null ? "" : description;
    input = input == null || input.isNull() || input.isMissingNode() ? JsonNodeFactory.instance.objectNode() : input;
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout of attempt " + attemptId + " must be positive or null, got " + timeout);
    }
  }

  /** The description, or the title when the description is blank. */
  public String prompt() {
    return description.isBlank() ? title : description;
  }

  /** Leaves the claim token and the prompt out of logs. */
  @Override
  public String toString() {
    return "AttemptSpec[task=%s, mission=%s, attempt=%s, runtime=%s, timeout=%s]"
        .formatted(taskId, missionId, attemptId, runtime, timeout);
  }
}
