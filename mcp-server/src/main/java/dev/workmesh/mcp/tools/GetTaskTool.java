package dev.workmesh.mcp.tools;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;

/** {@code get_mesh_task}: one task in full, with its attempts. */
final class GetTaskTool extends TaskTool {

  static final String NAME = "get_mesh_task";

  private static final String DESCRIPTION = "Read one task in full: status, result or error, and every attempt"
      + " (which agent, outcome, exit code, log tail, and the model, tokens and cost its agent reported). Use it to follow a task you submitted. status is pending"
      + " (waiting for depends_on, not_before or a retry backoff), ready (claimable), claimed or running (an"
      + " agent holds it), succeeded, failed or cancelled.";

  GetTaskTool() {
    super(NAME, "Get a mesh task", DESCRIPTION, taskIdInput("The task to read."), Effect.READ_ONLY);
  }

  @Override
  TaskView act(MeshClient mesh, ToolArguments a) {
    return mesh.task(a.requiredUuid("task_id"));
  }

  @Override
  String summary(TaskView task) {
    String sentence = TaskViews.sentence(task);
    return Character.toUpperCase(sentence.charAt(0)) + sentence.substring(1) + "." + TaskViews.usageLines(task);
  }
}
