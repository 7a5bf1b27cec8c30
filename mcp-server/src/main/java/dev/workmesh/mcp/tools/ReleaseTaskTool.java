package dev.workmesh.mcp.tools;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;
import java.util.List;

/** {@code release_mesh_task}: hand a claim back without failing it. */
final class ReleaseTaskTool extends TaskTool {

  static final String NAME = "release_mesh_task";

  private static final String DESCRIPTION = "Hand a task you claimed back without failing it, e.g. when you"
      + " cannot work on it now. It becomes claimable by others at once and the attempt does not count against"
      + " max_attempts (the attempt is recorded as released, with your reason). Needs the claim_token from"
      + " claim_mesh_task; afterwards the claim is over.";

  private static final String INPUT = ClaimedTaskInput.schema(List.of(
      """
      "reason": {"type": "string", "maxLength": 2000, "description": %s}""".formatted(
          Schemas.quote("Why you give it back (optional); kept on the released attempt for whoever looks next."))));

  ReleaseTaskTool() {
    super(NAME, "Release a claimed mesh task", DESCRIPTION, INPUT, Effect.WRITE);
  }

  @Override
  TaskView act(MeshClient mesh, ToolArguments a) {
    return mesh.release(a.requiredUuid("task_id"), a.requiredString("claim_token"), a.string("reason"));
  }

  @Override
  String summary(TaskView task) {
    return "Released: " + TaskViews.sentence(task) + ".";
  }
}
