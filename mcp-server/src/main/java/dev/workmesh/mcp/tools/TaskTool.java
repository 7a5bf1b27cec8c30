package dev.workmesh.mcp.tools;

import static dev.workmesh.mcp.tools.Schemas.uuid;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;

/**
 * A tool that does one thing to one task (read, cancel, retry; complete, fail or release a claim) and
 * answers with the task in full after a sentence about it.
 */
abstract class TaskTool implements MeshTool {

  private final Tool definition;

  TaskTool(String name, String title, String description, String input, Effect effect) {
    this.definition = ToolDefinitions.define(name, title, description, input, Schemas.TASK_RESULT, effect);
  }

  /** The input schema of a tool whose only argument is {@code task_id}, described for the model. */
  static String taskIdInput(String taskIdDescription) {
    return """
        {"type": "object",
         "properties": {"task_id": %s},
         "required": ["task_id"],
         "additionalProperties": false}""".formatted(uuid(taskIdDescription));
  }

  /** Does the tool's one thing and returns the task as it is afterwards. */
  abstract TaskView act(MeshClient mesh, ToolArguments a);

  /** The sentence the result starts with. */
  abstract String summary(TaskView task);

  @Override
  public final Tool definition() {
    return definition;
  }

  @Override
  public final CallToolResult call(MeshClient mesh, ToolArguments a) {
    TaskView task = act(mesh, a);
    return ToolResults.ofTask(summary(task), task);
  }
}
