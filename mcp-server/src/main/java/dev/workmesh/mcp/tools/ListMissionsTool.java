package dev.workmesh.mcp.tools;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.Page;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code list_missions}: the missions and their ids, a page at a time. */
final class ListMissionsTool implements MeshTool {

  static final String NAME = "list_missions";

  private static final String DESCRIPTION = "List missions, oldest first, with their ids: find the mission_id for"
      + " submit_mesh_task, claim_mesh_task or list_mesh_tasks. Returns up to limit missions and, when there are"
      + " more, next_cursor: pass it back as cursor for the next page.";

  private static final String INPUT = """
      {"type": "object",
       "properties": {
         "cursor": {"type": "string", "maxLength": 100, "description": "next_cursor of the previous page."},
         "limit": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}
       },
       "additionalProperties": false}""";

  private static final String OUTPUT = """
      {"type": "object",
       "properties": {
         "missions": {"type": "array", "items": %s},
         "next_cursor": {"type": "string", "description": "Absent on the last page."}
       },
       "required": ["missions"]}""".formatted(Schemas.MISSION);

  @Override
  public Tool definition() {
    return ToolDefinitions.define(NAME, "List missions", DESCRIPTION, INPUT, OUTPUT, Effect.READ_ONLY);
  }

  @Override
  public CallToolResult call(MeshClient mesh, ToolArguments a) {
    Page<MissionView> page = mesh.missions(a.string("cursor"), a.integer("limit") == null ? 50 : a.integer("limit"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("missions", page.items().stream().map(StructuredJson::object).toList());
    if (page.nextCursor() != null) {
      out.put("next_cursor", page.nextCursor());
    }
    return ToolResults.ok(page.items().size() + " mission(s)"
        + (page.nextCursor() == null ? "." : "; more: pass next_cursor as cursor."), out);
  }
}
