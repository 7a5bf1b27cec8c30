package dev.workmesh.mcp.tools;

import static dev.workmesh.mcp.tools.Schemas.uuid;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.Map;

/** {@code cancel_mesh_task}: stop a task this caller submitted. */
final class CancelTaskTool implements MeshTool {

  static final String NAME = "cancel_mesh_task";

  private static final String DESCRIPTION = "Cancel a task you submitted (the operator may cancel any). A pending"
      + " or ready task ends cancelled at once; a claimed or running one gets cancellation requested, which its"
      + " agent sees on its next heartbeat. Cancelling an already cancelled task changes nothing.";

  private static final String INPUT = """
      {"type": "object",
       "properties": {"task_id": %s},
       "required": ["task_id"],
       "additionalProperties": false}""".formatted(uuid("The task to cancel."));

  @Override
  public Tool definition() {
    return ToolDefinitions.define(NAME, "Cancel a mesh task", DESCRIPTION, INPUT, Schemas.TASK_RESULT,
        Effect.IDEMPOTENT);
  }

  @Override
  public CallToolResult call(MeshClient mesh, ToolArguments a) {
    TaskView task = mesh.cancel(a.requiredUuid("task_id"));
    String summary = task.cancelRequested() && !"cancelled".equals(task.status())
        ? "Cancellation requested: " + TaskViews.sentence(task) + "; its agent stops at its next heartbeat."
        : "Cancelled: " + TaskViews.sentence(task) + ".";
    return ToolResults.ok(summary, Map.of("task", TaskViews.whole(task)));
  }
}
