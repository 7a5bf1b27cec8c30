package dev.workmesh.mcp.tools;

import static dev.workmesh.mcp.tools.Schemas.quote;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.CompleteRequest;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;
import java.util.List;

/** {@code complete_mesh_task}: report a claimed task done, with its result. */
final class CompleteTaskTool extends TaskTool {

  static final String NAME = "complete_mesh_task";

  private static final String DESCRIPTION = "Report that you finished a task you claimed, with its result. Needs"
      + " the claim_token from claim_mesh_task. result is any JSON the submitter will read; an object is best,"
      + " e.g. {\"summary\": \"...\", \"files_changed\": [\"...\"]}. After this the claim is over: do not heartbeat"
      + " or report on this task again. If the work failed, call fail_mesh_task instead.";

  private static final String INPUT = ClaimedTaskInput.schema(List.of(
      """
      "result": {"description": %s}""".formatted(quote("What the work produced: any JSON, an object is best.")),
      ClaimedTaskInput.EXIT_CODE,
      ClaimedTaskInput.logTail("The last lines of output worth keeping with the attempt.")), "result");

  CompleteTaskTool() {
    super(NAME, "Complete a claimed mesh task", DESCRIPTION, INPUT, Effect.WRITE);
  }

  @Override
  TaskView act(MeshClient mesh, ToolArguments a) {
    return mesh.complete(a.requiredUuid("task_id"), new CompleteRequest(a.requiredString("claim_token"),
        a.json("result"), a.integer("exit_code"), a.string("log_tail")));
  }

  @Override
  String summary(TaskView task) {
    return "Reported done: " + TaskViews.sentence(task) + ".";
  }
}
