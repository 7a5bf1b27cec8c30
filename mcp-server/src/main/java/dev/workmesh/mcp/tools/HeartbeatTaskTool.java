package dev.workmesh.mcp.tools;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.HeartbeatResponse;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** {@code heartbeat_mesh_task}: renew the lease of a claim and learn whether cancellation was requested. */
final class HeartbeatTaskTool implements MeshTool {

  static final String NAME = "heartbeat_mesh_task";

  private static final String DESCRIPTION = "Renew the lease on a task you claimed: it proves you are still"
      + " working on it. Call it before lease_expires_at (with the default 30-second lease, about every 10"
      + " seconds of work); each call returns the new lease_expires_at. If the result says cancel_requested:"
      + " true, stop working and call fail_mesh_task with outcome \"cancelled\". An error saying the claim is no"
      + " longer yours means the lease lapsed or the task was taken back: stop working on that task.";

  private static final String INPUT = ClaimedTaskInput.schema(List.of());

  private static final String OUTPUT = """
      {"type": "object",
       "properties": {
         "task_id": {"type": "string"},
         "attempt_id": {"type": "string"},
         "lease_expires_at": {"type": "string", "description": "Heartbeat again before this instant."},
         "cancel_requested": {"type": "boolean",
                              "description": "true: stop and report fail_mesh_task with outcome cancelled"}
       },
       "required": ["task_id", "attempt_id", "lease_expires_at", "cancel_requested"]}""";

  @Override
  public Tool definition() {
    return ToolDefinitions.define(NAME, "Heartbeat a claimed mesh task", DESCRIPTION, INPUT, OUTPUT,
        Effect.IDEMPOTENT);
  }

  @Override
  public CallToolResult call(MeshClient mesh, ToolArguments a) {
    UUID taskId = a.requiredUuid("task_id");
    HeartbeatResponse ack = mesh.heartbeat(taskId, a.requiredString("claim_token"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("task_id", taskId.toString());
    out.put("attempt_id", ack.attemptId().toString());
    out.put("lease_expires_at", ack.leaseExpiresAt().toString());
    out.put("cancel_requested", ack.cancelRequested());
    String summary = ack.cancelRequested()
        ? "Cancellation was requested for task " + taskId + ": stop working on it and call fail_mesh_task with"
            + " outcome \"cancelled\"."
        : "Lease of task " + taskId + " renewed until " + ack.leaseExpiresAt() + "; heartbeat again before then.";
    return ToolResults.ok(summary, out);
  }
}
