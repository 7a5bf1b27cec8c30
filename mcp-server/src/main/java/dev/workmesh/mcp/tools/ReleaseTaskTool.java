package dev.workmesh.mcp.tools;

import static dev.workmesh.mcp.tools.Schemas.uuid;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.Map;

/** {@code release_mesh_task}: hand a claim back without failing it. */
final class ReleaseTaskTool implements MeshTool {

  static final String NAME = "release_mesh_task";

  private static final String DESCRIPTION = "Hand a task you claimed back without failing it, e.g. when you"
      + " cannot work on it now. It becomes claimable by others at once and the attempt does not count against"
      + " max_attempts (the attempt is recorded as released, with your reason). Needs the claim_token from"
      + " claim_mesh_task; afterwards the claim is over.";

  private static final String INPUT = """
      {"type": "object",
       "properties": {"task_id": %s, "claim_token": %s,
                      "reason": {"type": "string", "maxLength": 2000, "description": %s}},
       "required": ["task_id", "claim_token"],
       "additionalProperties": false}""".formatted(uuid("The task you claimed."), Schemas.CLAIM_TOKEN,
      Schemas.quote("Why you give it back (optional); kept on the released attempt for whoever looks next."));

  @Override
  public Tool definition() {
    return ToolDefinitions.define(NAME, "Release a claimed mesh task", DESCRIPTION, INPUT, Schemas.TASK_RESULT,
        Effect.WRITE);
  }

  @Override
  public CallToolResult call(MeshClient mesh, ToolArguments a) {
    TaskView task = mesh.release(a.requiredUuid("task_id"), a.requiredString("claim_token"), a.string("reason"));
    return ToolResults.ok("Released: " + TaskViews.sentence(task) + ".", Map.of("task", TaskViews.whole(task)));
  }
}
