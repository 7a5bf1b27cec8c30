package dev.workmesh.mcp.tools;

import static dev.workmesh.mcp.tools.Schemas.uuid;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.Map;

/** {@code retry_mesh_task}: revive a failed or cancelled task with a fresh budget of attempts. */
final class RetryTaskTool implements MeshTool {

  static final String NAME = "retry_mesh_task";

  private static final String DESCRIPTION = "Give a failed or cancelled task a fresh budget of attempts, so that"
      + " agents can claim it again. Use it after fixing what made it fail, or when the failure was transient."
      + " Only failed and cancelled tasks can be retried; one that is pending, ready, claimed, running or"
      + " succeeded is refused (the mesh already retries failed attempts by itself while attempts are left).";

  private static final String INPUT = """
      {"type": "object",
       "properties": {"task_id": %s},
       "required": ["task_id"],
       "additionalProperties": false}""".formatted(uuid("The failed or cancelled task."));

  @Override
  public Tool definition() {
    return ToolDefinitions.define(NAME, "Retry a mesh task", DESCRIPTION, INPUT, Schemas.TASK_RESULT, Effect.WRITE);
  }

  @Override
  public CallToolResult call(MeshClient mesh, ToolArguments a) {
    TaskView task = mesh.retry(a.requiredUuid("task_id"));
    // A retry grants max_attempts more than the attempts spent: the next claim is attempt attempt + 1.
    String more = task.maxAttempts() + (task.maxAttempts() == 1 ? " more attempt" : " more attempts");
    return ToolResults.ok("Retrying: " + TaskViews.sentence(task) + "; up to " + more + ", starting with attempt "
        + (task.attempt() + 1) + ".", Map.of("task", TaskViews.whole(task)));
  }
}
