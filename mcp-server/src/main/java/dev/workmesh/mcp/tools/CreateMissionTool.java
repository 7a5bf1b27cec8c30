package dev.workmesh.mcp.tools;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.Map;

/** {@code create_mission}: a named body of work that tasks belong to. */
final class CreateMissionTool implements MeshTool {

  static final String NAME = "create_mission";

  private static final String DESCRIPTION = "Create a mission: a named body of work that tasks belong to. Create"
      + " one per project or goal, then pass its id as mission_id to submit_mesh_task. Names are unique: if the"
      + " name is taken the call fails, and list_missions finds the existing mission's id.";

  private static final String INPUT = """
      {"type": "object",
       "properties": {
         "name": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$",
                  "description": "1 to 100 letters, digits, '.', '_' or '-', e.g. \\"release-2.4\\"."},
         "description": {"type": "string", "maxLength": 10000, "description": "What the mission is for."}
       },
       "required": ["name"],
       "additionalProperties": false}""";

  private static final String OUTPUT = """
      {"type": "object", "properties": {"mission": %s}, "required": ["mission"]}""".formatted(Schemas.MISSION);

  @Override
  public Tool definition() {
    return ToolDefinitions.define(NAME, "Create a mission", DESCRIPTION, INPUT, OUTPUT, Effect.WRITE);
  }

  @Override
  public CallToolResult call(MeshClient mesh, ToolArguments a) {
    MissionView mission = mesh.createMission(a.requiredString("name"), a.string("description"));
    return ToolResults.ok("Created mission " + mission.name() + " with id " + mission.id()
        + "; pass it as mission_id to submit_mesh_task.", Map.of("mission", StructuredJson.object(mission)));
  }
}
