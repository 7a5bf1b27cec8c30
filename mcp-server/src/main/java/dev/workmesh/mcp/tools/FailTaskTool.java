package dev.workmesh.mcp.tools;

import static dev.workmesh.mcp.tools.Schemas.quote;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.FailRequest;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;
import java.util.List;

/** {@code fail_mesh_task}: report a claimed task failed; the mesh retries it while attempts are left. */
final class FailTaskTool extends TaskTool {

  static final String NAME = "fail_mesh_task";

  private static final String DESCRIPTION = "Report that a task you claimed failed. error says what went wrong;"
      + " the submitter and the next attempt read it. With retryable true (the default) and attempts left, the"
      + " mesh retries the task later, perhaps on another agent; set retryable false when retrying cannot help"
      + " (e.g. the task is impossible as written). outcome is failed (default), timed_out, or cancelled after"
      + " heartbeat_mesh_task reported cancel_requested. Needs the claim_token from claim_mesh_task.";

  private static final String INPUT = ClaimedTaskInput.schema(List.of(
      """
      "error": {"type": "string", "minLength": 1, "maxLength": 10000, "description": %s}""".formatted(
          quote("What went wrong, specific enough for the next attempt or the submitter to act on.")),
      """
      "outcome": {"type": "string", "enum": ["failed", "timed_out", "cancelled"], "default": "failed"}""",
      """
      "retryable": {"type": "boolean", "default": true,
                    "description": "false when another attempt cannot succeed either."}""",
      ClaimedTaskInput.EXIT_CODE,
      ClaimedTaskInput.logTail("The last lines of output that show the failure.")), "error");

  FailTaskTool() {
    super(NAME, "Fail a claimed mesh task", DESCRIPTION, INPUT, Effect.WRITE);
  }

  @Override
  TaskView act(MeshClient mesh, ToolArguments a) {
    return mesh.fail(a.requiredUuid("task_id"), new FailRequest(a.requiredString("claim_token"),
        a.requiredString("error"), a.string("outcome"), a.bool("retryable"), a.integer("exit_code"),
        a.string("log_tail")));
  }

  @Override
  String summary(TaskView task) {
    String next = switch (task.status()) {
      case "ready", "pending" -> " The mesh will retry it.";
      case "failed" -> " No attempts are left (or it is not retryable); retry_mesh_task can revive it.";
      default -> "";
    };
    return "Failure recorded: " + TaskViews.sentence(task) + "." + next;
  }
}
