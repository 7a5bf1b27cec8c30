package dev.workmesh.mcp.tools;

import static dev.workmesh.mcp.tools.Schemas.uuid;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** {@code await_mesh_task}: wait, bounded, for a task to end, and get it with its result or error. */
final class AwaitTaskTool implements MeshTool {

  static final String NAME = "await_mesh_task";

  private static final String DESCRIPTION = "Wait until a task ends (succeeded, failed or cancelled) and get it"
      + " with its result or error. Use it after submitting sub-tasks, to collect their results one by one."
      + " The wait is bounded by wait_seconds: if the task is still pending, ready, claimed or running when it"
      + " runs out, you get the task as it is with ended false; call again to keep waiting. To hear about many"
      + " tasks at once without holding a call, subscribe to their resources (workmesh://tasks/{id}).";

  private final int maxWaitSeconds;
  private final TaskEnds taskEnds = new TaskEnds(Clock.systemUTC());

  AwaitTaskTool(int maxWaitSeconds) {
    this.maxWaitSeconds = maxWaitSeconds;
  }

  @Override
  public Tool definition() {
    String input = """
        {"type": "object",
         "properties": {
           "task_id": %s,
           "wait_seconds": {"type": "integer", "minimum": 0, "maximum": %d, "default": %d,
                            "description": "How long to wait for the end, at most %d seconds (0 reads it once)."}
         },
         "required": ["task_id"],
         "additionalProperties": false}""".formatted(uuid("The task to wait for."), maxWaitSeconds,
        defaultWait(), maxWaitSeconds);
    String output = """
        {"type": "object",
         "properties": {
           "task": %s,
           "ended": {"type": "boolean",
                     "description": "true when the task has ended; false when wait_seconds ran out first"}
         },
         "required": ["task", "ended"]}""".formatted(Schemas.TASK);
    return ToolDefinitions.define(NAME, "Await a mesh task", DESCRIPTION, input, output, Effect.READ_ONLY);
  }

  @Override
  public CallToolResult call(MeshClient mesh, ToolArguments a) {
    Integer asked = a.integer("wait_seconds");
    int wait = asked == null ? defaultWait() : asked;
    TaskView task;
    try {
      task = taskEnds.await(mesh, a.requiredUuid("task_id"), Duration.ofSeconds(wait));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ToolResults.error("The MCP server is stopping; call await_mesh_task again on the next connection.");
    }
    boolean ended = TaskEnds.ended(task);
    String summary = ended
        ? "Ended: " + TaskViews.sentence(task) + "." + TaskViews.usageLines(task)
        : "Not ended after " + wait + " s: " + TaskViews.sentence(task) + ". Call await_mesh_task again to keep"
            + " waiting.";
    return ToolResults.ok(summary, Map.of("task", TaskViews.whole(task), "ended", ended));
  }

  private int defaultWait() {
    return Math.min(30, maxWaitSeconds);
  }
}
