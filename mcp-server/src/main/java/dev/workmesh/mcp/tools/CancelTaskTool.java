package dev.workmesh.mcp.tools;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;

/** {@code cancel_mesh_task}: stop a task this caller submitted. */
final class CancelTaskTool extends TaskTool {

  static final String NAME = "cancel_mesh_task";

  private static final String DESCRIPTION = "Cancel a task you submitted (the operator may cancel any). A pending"
      + " or ready task ends cancelled at once; a claimed or running one gets cancellation requested, which its"
      + " agent sees on its next heartbeat. Cancelling an already cancelled task changes nothing.";

  CancelTaskTool() {
    super(NAME, "Cancel a mesh task", DESCRIPTION, taskIdInput("The task to cancel."), Effect.IDEMPOTENT);
  }

  @Override
  TaskView act(MeshClient mesh, ToolArguments a) {
    return mesh.cancel(a.requiredUuid("task_id"));
  }

  @Override
  String summary(TaskView task) {
    return task.cancelRequested() && !"cancelled".equals(task.status())
        ? "Cancellation requested: " + TaskViews.sentence(task) + "; its agent stops at its next heartbeat."
        : "Cancelled: " + TaskViews.sentence(task) + ".";
  }
}
