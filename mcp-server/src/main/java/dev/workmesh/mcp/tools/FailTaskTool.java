package dev.workmesh.mcp.tools;

import static dev.workmesh.mcp.tools.Schemas.quote;
import static dev.workmesh.mcp.tools.Schemas.uuid;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.FailRequest;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.Map;

/** {@code fail_mesh_task}: report a claimed task failed; the mesh retries it while attempts are left. */
final class FailTaskTool implements MeshTool {

  static final String NAME = "fail_mesh_task";

  private static final String DESCRIPTION = "Report that a task you claimed failed. error says what went wrong;"
      + " the submitter and the next attempt read it. With retryable true (the default) and attempts left, the"
      + " mesh retries the task later, perhaps on another agent; set retryable false when retrying cannot help"
      + " (e.g. the task is impossible as written). outcome is failed (default), timed_out, or cancelled after"
      + " heartbeat_mesh_task reported cancel_requested. Needs the claim_token from claim_mesh_task.";

  private static final String INPUT = """
      {"type": "object",
       "properties": {
         "task_id": %s,
         "claim_token": %s,
         "error": {"type": "string", "minLength": 1, "maxLength": 10000, "description": %s},
         "outcome": {"type": "string", "enum": ["failed", "timed_out", "cancelled"], "default": "failed"},
         "retryable": {"type": "boolean", "default": true,
                       "description": "false when another attempt cannot succeed either."},
         "exit_code": {"type": "integer", "description": "The exit code of the work, if it ran a process."},
         "log_tail": {"type": "string", "maxLength": 65536,
                      "description": "The last lines of output that show the failure."}
       },
       "required": ["task_id", "claim_token", "error"],
       "additionalProperties": false}""".formatted(uuid("The task you claimed."), Schemas.CLAIM_TOKEN,
      quote("What went wrong, specific enough for the next attempt or the submitter to act on."));

  @Override
  public Tool definition() {
    return ToolDefinitions.define(NAME, "Fail a claimed mesh task", DESCRIPTION, INPUT, Schemas.TASK_RESULT,
        Effect.WRITE);
  }

  @Override
  public CallToolResult call(MeshClient mesh, ToolArguments a) {
    TaskView task = mesh.fail(a.requiredUuid("task_id"), new FailRequest(a.requiredString("claim_token"),
        a.requiredString("error"), a.string("outcome"), a.bool("retryable"), a.integer("exit_code"),
        a.string("log_tail")));
    String next = switch (task.status()) {
      case "ready", "pending" -> " The mesh will retry it.";
      case "failed" -> " No attempts are left (or it is not retryable); retry_mesh_task can revive it.";
      default -> "";
    };
    return ToolResults.ok("Failure recorded: " + TaskViews.sentence(task) + "." + next,
        Map.of("task", TaskViews.whole(task)));
  }
}
