package dev.workmesh.mcp.tools;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.Page;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;

/** {@code list_missions}: the missions and their ids, a page at a time. */
final class ListMissionsTool implements MeshTool {

  static final String NAME = "list_missions";

  private static final String DESCRIPTION = "List missions, oldest first, with their ids: find the mission_id for"
      + " submit_mesh_task, claim_mesh_task or list_mesh_tasks. Returns up to limit missions and, when there are"
      + " more, next_cursor: pass it back as cursor for the next page.";

  private static final String INPUT = """
      {"type": "object",
       "properties": {
         %s
       },
       "additionalProperties": false}""".formatted(Paging.ARGUMENTS);

  private static final String OUTPUT = Paging.output("missions", Schemas.MISSION);

  @Override
  public Tool definition() {
    return ToolDefinitions.define(NAME, "List missions", DESCRIPTION, INPUT, OUTPUT, Effect.READ_ONLY);
  }

  @Override
  public CallToolResult call(MeshClient mesh, ToolArguments a) {
    Page<MissionView> page = mesh.missions(a.string("cursor"), Paging.limit(a));
    return Paging.answer(page.items().size() + " mission(s)", "missions", page, StructuredJson::object);
  }
}
