package dev.workmesh.mcp.tools;

import static dev.workmesh.mcp.tools.Schemas.quote;
import static dev.workmesh.mcp.tools.Schemas.uuid;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.CompleteRequest;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.Map;

/** {@code complete_mesh_task}: report a claimed task done, with its result. */
final class CompleteTaskTool implements MeshTool {

  static final String NAME = "complete_mesh_task";

  private static final String DESCRIPTION = "Report that you finished a task you claimed, with its result. Needs"
      + " the claim_token from claim_mesh_task. result is any JSON the submitter will read; an object is best,"
      + " e.g. {\"summary\": \"...\", \"files_changed\": [\"...\"]}. After this the claim is over: do not heartbeat"
      + " or report on this task again. If the work failed, call fail_mesh_task instead.";

  private static final String INPUT = """
      {"type": "object",
       "properties": {
         "task_id": %s,
         "claim_token": %s,
         "result": {"description": %s},
         "exit_code": {"type": "integer", "description": "The exit code of the work, if it ran a process."},
         "log_tail": {"type": "string", "maxLength": 65536,
                      "description": "The last lines of output worth keeping with the attempt."}
       },
       "required": ["task_id", "claim_token", "result"],
       "additionalProperties": false}""".formatted(uuid("The task you claimed."), Schemas.CLAIM_TOKEN,
      quote("What the work produced: any JSON, an object is best."));

  @Override
  public Tool definition() {
    return ToolDefinitions.define(NAME, "Complete a claimed mesh task", DESCRIPTION, INPUT, Schemas.TASK_RESULT,
        Effect.WRITE);
  }

  @Override
  public CallToolResult call(MeshClient mesh, ToolArguments a) {
    TaskView task = mesh.complete(a.requiredUuid("task_id"), new CompleteRequest(a.requiredString("claim_token"),
        a.json("result"), a.integer("exit_code"), a.string("log_tail")));
    return ToolResults.ok("Reported done: " + TaskViews.sentence(task) + ".", Map.of("task", TaskViews.whole(task)));
  }
}
