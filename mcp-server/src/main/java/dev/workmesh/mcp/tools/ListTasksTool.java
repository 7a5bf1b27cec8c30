package dev.workmesh.mcp.tools;

import static dev.workmesh.mcp.tools.Schemas.uuid;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.Page;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.UUID;

/** {@code list_mesh_tasks}: a mission's tasks, one line each, a page at a time. */
final class ListTasksTool implements MeshTool {

  static final String NAME = "list_mesh_tasks";

  private static final String DESCRIPTION = "List a mission's tasks, oldest first, one summary line each,"
      + " optionally only those with one status. Returns up to limit tasks and, when there are more,"
      + " next_cursor: pass it back as cursor for the next page. get_mesh_task shows one task in full.";

  private static final String INPUT = """
      {"type": "object",
       "properties": {
         "mission_id": %s,
         "status": {"type": "string",
                    "enum": ["pending", "ready", "claimed", "running", "succeeded", "failed", "cancelled"],
                    "description": "Only tasks with this status."},
         %s
       },
       "required": ["mission_id"],
       "additionalProperties": false}""".formatted(uuid("The mission whose tasks to list."), Paging.ARGUMENTS);

  private static final String OUTPUT = Paging.output("tasks", Schemas.TASK_SUMMARY);

  @Override
  public Tool definition() {
    return ToolDefinitions.define(NAME, "List a mission's tasks", DESCRIPTION, INPUT, OUTPUT, Effect.READ_ONLY);
  }

  @Override
  public CallToolResult call(MeshClient mesh, ToolArguments a) {
    UUID missionId = a.requiredUuid("mission_id");
    String status = a.string("status");
    Page<TaskView> page = mesh.tasks(missionId, status, a.string("cursor"), Paging.limit(a));
    return Paging.answer(page.items().size() + " task(s) in mission " + missionId
        + (status == null ? "" : " with status " + status), "tasks", page, TaskViews::summary);
  }
}
