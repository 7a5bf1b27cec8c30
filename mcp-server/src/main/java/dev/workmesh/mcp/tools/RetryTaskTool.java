package dev.workmesh.mcp.tools;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;

/** {@code retry_mesh_task}: revive a failed or cancelled task with a fresh budget of attempts. */
final class RetryTaskTool extends TaskTool {

  static final String NAME = "retry_mesh_task";

  private static final String DESCRIPTION = "Give a failed or cancelled task a fresh budget of attempts, so that"
      + " agents can claim it again. Use it after fixing what made it fail, or when the failure was transient."
      + " Only failed and cancelled tasks can be retried; one that is pending, ready, claimed, running or"
      + " succeeded is refused (the mesh already retries failed attempts by itself while attempts are left).";

  RetryTaskTool() {
    super(NAME, "Retry a mesh task", DESCRIPTION, taskIdInput("The failed or cancelled task."), Effect.WRITE);
  }

  @Override
  TaskView act(MeshClient mesh, ToolArguments a) {
    return mesh.retry(a.requiredUuid("task_id"));
  }

  @Override
  String summary(TaskView task) {
    // A retry grants max_attempts more than the attempts spent: the next claim is attempt attempt + 1.
    String more = task.maxAttempts() + (task.maxAttempts() == 1 ? " more attempt" : " more attempts");
    return "Retrying: " + TaskViews.sentence(task) + "; up to " + more + ", starting with attempt "
        + (task.attempt() + 1) + ".";
  }
}
