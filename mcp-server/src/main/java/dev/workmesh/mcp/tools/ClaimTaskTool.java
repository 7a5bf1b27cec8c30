package dev.workmesh.mcp.tools;

import static dev.workmesh.mcp.tools.Schemas.quote;
import static dev.workmesh.mcp.tools.Schemas.uuid;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.ClaimRequest;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.ClaimsResponse;
import dev.workmesh.client.model.EmptyClaimReason;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code claim_mesh_task}: claim the best task this agent may run, optionally waiting for one (long-poll).
 *
 * <p>There is deliberately no {@code pool} argument: mesh-api's claim has no pool filter, and an agent's
 * pools are fixed by the operator at enrolment. A parameter that looked like a filter but was not would
 * mislead the model, so the description says how pools work instead.
 */
final class ClaimTaskTool implements MeshTool {

  static final String NAME = "claim_mesh_task";

  private static final String DESCRIPTION = "Claim the best task this agent may run now (highest priority first,"
      + " then oldest), from the pools and capabilities the operator enrolled the agent with; there is no pool"
      + " filter. Returns the task (do the work its description asks for) with a claim_token. KEEP THE"
      + " claim_token: heartbeat_mesh_task, complete_mesh_task, fail_mesh_task and release_mesh_task all need"
      + " it, and it is shown only this once. While working, call heartbeat_mesh_task before lease_expires_at"
      + " or the claim lapses and the task goes to another agent. Finish with complete_mesh_task (with a"
      + " result) or fail_mesh_task. When nothing is claimable the result says so (claimed: false); that is"
      + " not an error. Set wait_seconds to wait for work to arrive (long-poll) rather than calling in a loop.";

  private final int maxWaitSeconds;
  private final String input;

  ClaimTaskTool(int maxWaitSeconds) {
    this.maxWaitSeconds = maxWaitSeconds;
    this.input = """
        {"type": "object",
         "properties": {
           "mission_id": %s,
           "wait_seconds": {"type": "integer", "minimum": 0, "maximum": %d, "default": 0, "description": %s},
           "agent_id": %s
         },
         "additionalProperties": false}""".formatted(
        uuid("Claim only from this mission. Leave it out to claim from any mission."),
        maxWaitSeconds,
        quote("How long to wait for a claimable task when there is none yet: 0 (default) answers at once; up to "
            + maxWaitSeconds + " seconds returns as soon as a task arrives."),
        uuid("Only with the operator token: the agent to claim for. An agent always claims as itself; leave"
            + " it out."));
  }

  private static final String OUTPUT = """
      {"type": "object",
       "properties": {
         "claimed": {"type": "boolean", "description": "false when nothing was claimable in time"},
         "claim_token": {"type": "string", "description": "Keep it: every report on this claim needs it."},
         "attempt_id": {"type": "string"},
         "attempt_number": {"type": "integer"},
         "lease_expires_at": {"type": "string",
                              "description": "Heartbeat before this instant or the claim lapses."},
         "task": %s,
         "message": {"type": "string"},
         "reason": {"type": "object", "description": %s}
       },
       "required": ["claimed"]}""".formatted(Schemas.TASK, quote("Only when nothing was claimable because of this"
      + " agent: code (revoked, disconnected, at_capacity, no_ready_work or ineligible), message, and counts of the"
      + " ready tasks in its pools that need capabilities or a runtime it lacks."));

  @Override
  public Tool definition() {
    return ToolDefinitions.define(NAME, "Claim a mesh task", DESCRIPTION, input, OUTPUT, Effect.WRITE);
  }

  @Override
  public CallToolResult call(MeshClient mesh, ToolArguments a) {
    UUID missionId = a.uuid("mission_id");
    int waitSeconds = a.integer("wait_seconds") == null ? 0 : a.integer("wait_seconds");
    if (waitSeconds < 0 || waitSeconds > maxWaitSeconds) {
      throw new ToolArguments.InvalidArgumentException("wait_seconds", "must be between 0 and " + maxWaitSeconds);
    }
    ClaimsResponse answer = mesh.claims(new ClaimRequest(a.uuid("agent_id"), missionId, 1, waitSeconds));
    List<ClaimView> claims = answer.claims();
    Map<String, Object> out = new LinkedHashMap<>();
    if (claims.isEmpty()) {
      EmptyClaimReason reason = answer.reason();
      String message = "Nothing claimable for this agent" + (missionId == null ? "" : " in mission " + missionId)
          + (waitSeconds > 0 ? " within " + waitSeconds + "s" : "")
          + (reason == null ? "" : ": " + reason.message())
          + ". Call claim_mesh_task again later, with wait_seconds (up to " + maxWaitSeconds + ") to wait for work.";
      out.put("claimed", false);
      out.put("message", message);
      if (reason != null) {
        out.put("reason", StructuredJson.object(reason));
      }
      return ToolResults.ok(message, out);
    }
    ClaimView claim = claims.getFirst();
    out.put("claimed", true);
    out.put("claim_token", claim.claimToken());
    out.put("attempt_id", claim.attemptId().toString());
    out.put("attempt_number", claim.attemptNumber());
    out.put("lease_expires_at", claim.leaseExpiresAt().toString());
    out.put("task", TaskViews.whole(claim.task()));
    String summary = "Claimed " + TaskViews.sentence(claim.task()) + ". claim_token: " + claim.claimToken()
        + " (keep it: heartbeat, complete, fail and release need it). Heartbeat before " + claim.leaseExpiresAt()
        + ". The task's description and input are in the JSON below.";
    return ToolResults.ok(summary, out);
  }
}
