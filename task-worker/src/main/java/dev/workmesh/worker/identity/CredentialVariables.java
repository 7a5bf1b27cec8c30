package dev.workmesh.worker.identity;

import dev.workmesh.worker.config.TaskWorkerProperties;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The environment variables a subagent must not inherit because they hold this worker's own tokens:
 * a subagent works with the secrets its task is granted, never with the operator's or the agent's token.
 */
public final class CredentialVariables {

  /** The well-known names of the worker's tokens, withheld whatever they hold. */
  public static final Set<String> WELL_KNOWN =
      Set.of("TASK_WORKER_ENROLMENT_TOKEN", "TASK_WORKER_AGENT_TOKEN", "MESH_ENROLMENT_TOKEN", "MESH_OPERATOR_TOKEN");

  private CredentialVariables() {}

  /**
   * The variables of {@code environment} that subagents must not inherit: the well-known names of the
   * worker's credentials, and any variable holding the enrolment or agent token under another name.
   */
  public static Set<String> withheldFrom(TaskWorkerProperties properties, Map<String, String> environment) {
    Set<String> tokens = new LinkedHashSet<>();
    if (properties.enrolmentToken() != null) {
      tokens.add(properties.enrolmentToken());
    }
    if (properties.agentToken() != null) {
      tokens.add(properties.agentToken());
    }
    Set<String> withheld = new LinkedHashSet<>(WELL_KNOWN);
    environment.forEach((name, value) -> {
      if (value != null && tokens.contains(value.strip())) {
        withheld.add(name);
      }
    });
    return withheld;
  }
}
