package dev.workmesh.worker.attempt;

import dev.workmesh.client.model.TaskView;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Which runtime runs a task, in this order:
 *
 * <ol>
 *   <li>the task's {@code runtime} hint;
 *   <li>{@code exec} when its input has {@code argv}, {@code bash} when it has {@code command};
 *   <li>{@code task-worker.default-runtime};
 *   <li>the first of claude_code, codex, gemini, goose that this worker offers.
 * </ol>
 *
 * The fake runtime is never chosen implicitly: a task must ask for it. A task whose runtime this worker
 * does not offer is handed back with {@code release}, its reason kept on the released attempt; the API
 * already matches runtimes when it claims ({@code task.accepted_runtimes}), so this is rare.
 */
public final class RuntimeChoice {

  /** The AI agent CLIs, in the order a task without a hint gets them. */
  public static final List<String> AGENT_CLIS = List.of("claude_code", "codex", "gemini", "goose");

  private final Set<String> offered;
  private final String defaultRuntime;

  /**
   * @param offered the runtimes this worker runs (binary found, and allowed by {@code task-worker.runtimes})
   * @param defaultRuntime {@code task-worker.default-runtime}, or null
   */
  public RuntimeChoice(Set<String> offered, String defaultRuntime) {
    this.offered = Set.copyOf(offered);
    this.defaultRuntime = defaultRuntime;
  }

  /** The runtime the task should run with; empty when nothing fits. It may be one this worker lacks. */
  public Optional<String> runtimeFor(TaskView task) {
    if (task.runtime() != null && !task.runtime().isBlank()) {
      return Optional.of(task.runtime().strip());
    }
    JsonNode input = task.input();
    if (input != null && input.path("argv").isArray()) {
      return Optional.of("exec");
    }
    if (input != null && input.path("command").isString()) {
      return Optional.of("bash");
    }
    if (defaultRuntime != null) {
      return Optional.of(defaultRuntime);
    }
    return AGENT_CLIS.stream().filter(offered::contains).findFirst();
  }

  public boolean offers(String runtime) {
    return offered.contains(runtime);
  }

  public Set<String> offered() {
    return offered;
  }
}
