package dev.workmesh.mcp.tools;

import static dev.workmesh.mcp.tools.Schemas.uuid;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.Map;

/** {@code get_mesh_task}: one task in full, with its attempts. */
final class GetTaskTool implements MeshTool {

  static final String NAME = "get_mesh_task";

  private static final String DESCRIPTION = "Read one task in full: status, result or error, and every attempt"
      + " (which agent, outcome, exit code, log tail, and the model, tokens and cost its agent reported). Use it to follow a task you submitted. status is pending"
      + " (waiting for depends_on, not_before or a retry backoff), ready (claimable), claimed or running (an"
      + " agent holds it), succeeded, failed or cancelled.";

  private static final String INPUT = """
      {"type": "object",
       "properties": {"task_id": %s},
       "required": ["task_id"],
       "additionalProperties": false}""".formatted(uuid("The task to read."));

  @Override
  public Tool definition() {
    return ToolDefinitions.define(NAME, "Get a mesh task", DESCRIPTION, INPUT, Schemas.TASK_RESULT,
        Effect.READ_ONLY);
  }

  @Override
  public CallToolResult call(MeshClient mesh, ToolArguments a) {
    TaskView task = mesh.task(a.requiredUuid("task_id"));
    return ToolResults.ok(Character.toUpperCase(TaskViews.sentence(task).charAt(0))
        + TaskViews.sentence(task).substring(1) + "." + TaskViews.usageLines(task),
        Map.of("task", TaskViews.whole(task)));
  }
}
