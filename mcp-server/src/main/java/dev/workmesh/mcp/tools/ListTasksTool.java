package dev.workmesh.mcp.tools;

import static dev.workmesh.mcp.tools.Schemas.uuid;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.Page;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.LinkedHashMap;
import java.util.Map;
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
         "cursor": {"type": "string", "maxLength": 100, "description": "next_cursor of the previous page."},
         "limit": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}
       },
       "required": ["mission_id"],
       "additionalProperties": false}""".formatted(uuid("The mission whose tasks to list."));

  private static final String OUTPUT = """
      {"type": "object",
       "properties": {
         "tasks": {"type": "array", "items": %s},
         "next_cursor": {"type": "string", "description": "Absent on the last page."}
       },
       "required": ["tasks"]}""".formatted(Schemas.TASK_SUMMARY);

  @Override
  public Tool definition() {
    return ToolDefinitions.define(NAME, "List a mission's tasks", DESCRIPTION, INPUT, OUTPUT, Effect.READ_ONLY);
  }

  @Override
  public CallToolResult call(MeshClient mesh, ToolArguments a) {
    UUID missionId = a.requiredUuid("mission_id");
    String status = a.string("status");
    Page<TaskView> page = mesh.tasks(missionId, status, a.string("cursor"),
        a.integer("limit") == null ? 50 : a.integer("limit"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tasks", page.items().stream().map(TaskViews::summary).toList());
    if (page.nextCursor() != null) {
      out.put("next_cursor", page.nextCursor());
    }
    String summary = page.items().size() + " task(s) in mission " + missionId
        + (status == null ? "" : " with status " + status)
        + (page.nextCursor() == null ? "." : "; more: pass next_cursor as cursor.");
    return ToolResults.ok(summary, out);
  }
}
