package dev.workmesh.mcp.tools;

import static dev.workmesh.mcp.tools.Schemas.NAME_PATTERN;
import static dev.workmesh.mcp.tools.Schemas.quote;
import static dev.workmesh.mcp.tools.Schemas.uuid;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.MeshClient.Submitted;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.core.task.TaskRecords;
import dev.workmesh.mcp.tools.ToolDefinitions.Effect;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** {@code submit_mesh_task}: put a unit of work into a mission for the mesh's agents to claim. */
final class SubmitTaskTool implements MeshTool {

  static final String NAME = "submit_mesh_task";

  private static final String DESCRIPTION = "Submit a task (one unit of work) into a mission, so that an agent or"
      + " worker node of the mesh claims and runs it. Use it to delegate or parallelise work. The description is"
      + " the prompt the claiming agent receives and it does not see your conversation: make it self-contained."
      + " Returns the task with its id and status (ready; or pending while it waits for depends_on, not_before or"
      + " a backoff). Keep the task id: get_mesh_task follows the task to its result. Pass an idempotency_key"
      + " whenever you might repeat this call; a repeat then returns the existing task (replay: true) instead of"
      + " creating a second one. Needs a mission_id: create_mission or list_missions give one.";

  private static final String INPUT = Schemas.withTaskRules("""
      {"type": "object",
       "properties": {
         "mission_id": %s,
         "title": {"type": "string", "minLength": 1, "maxLength": @MAX_TITLE@,
                   "description": "A short name of the work, shown in lists."},
         "description": {"type": "string", "maxLength": @MAX_DESCRIPTION@, "description": %s},
         "claim_policy": {"type": "string", "enum": ["first_claim", "assigned", "broadcast"],
                          "default": "first_claim", "description": %s},
         "assigned_agent": %s,
         "pool": {"type": "string", "pattern": "%s", "default": "@DEFAULT_POOL@", "description": %s},
         "required_capabilities": {"type": "array", "maxItems": @MAX_CAPABILITIES@, "uniqueItems": true,
                                   "items": {"type": "string", "pattern": "%s"}, "description": %s},
         "priority": {"type": "integer", "minimum": -@MAX_PRIORITY@, "maximum": @MAX_PRIORITY@, "default": 0,
                      "description": "Higher is claimed first; ties go to the oldest task (default 0)."},
         "runtime": {"type": "string", "pattern": "%s", "description": %s},
         "input": {"type": "object", "description": %s},
         "depends_on": {"type": "array", "maxItems": @MAX_DEPENDENCIES@, "uniqueItems": true, "items": %s, "description": %s},
         "parent_task_id": %s,
         "idempotency_key": {"type": "string", "minLength": 1, "maxLength": @MAX_IDEMPOTENCY_KEY@, "description": %s},
         "max_attempts": {"type": "integer", "minimum": 1, "maximum": @MAX_ATTEMPTS@, "default": @DEFAULT_MAX_ATTEMPTS@,
                          "description": "How many times the task may be tried before it ends failed (default 3)."},
         "timeout": {"type": "string", "minLength": 2, "maxLength": 40, "description": %s},
         "not_before": {"type": "string", "format": "date-time",
                        "description": "Not claimable before this instant (ISO-8601, e.g. 2030-01-01T09:00:00Z)."}
       },
       "required": ["mission_id", "title"],
       "allOf": @RUNTIME_INPUT_RULES@,
       "additionalProperties": false}""").formatted(
      uuid("The mission to add the task to (create_mission or list_missions give one)."),
      quote("The prompt: everything the claiming agent needs to do the work, self-contained."),
      quote("first_claim (default): any eligible agent, exactly one runs it. assigned: only assigned_agent may"
          + " claim it. broadcast: every eligible connected agent runs it once; it succeeds when all of them did."),
      uuid("The agent that must run the task: required with claim_policy assigned, not allowed otherwise."),
      NAME_PATTERN,
      quote("The pool of agents that may claim the task (default \"default\")."),
      NAME_PATTERN,
      quote("Capabilities a claimer must all hold, e.g. [\"git\", \"python\"]."),
      NAME_PATTERN,
      quote("What kind of subagent a worker node should run it in: claude_code, codex, gemini, goose, bash"
          + " (runs input.command with bash -c) or exec (runs input.argv). Leave it out for work an MCP-connected"
          + " agent claims and does itself."),
      quote("Structured input for the runtime or the claimer, a JSON object: e.g. {\"command\": \"make test\"}"
          + " for bash, {\"argv\": [\"make\", \"test\"]} for exec."),
      uuid("A task id."),
      quote("Task ids that must succeed first: the task stays pending until they have, and fails if one fails."),
      uuid("The task this one was split from, if any: links sub-tasks to their parent."),
      quote("Your key for this piece of work: a repeat submission with the same key in the same mission returns"
          + " the existing task instead of creating another."),
      quote("Time limit of each attempt, e.g. \"30m\", \"2h30m\" or ISO-8601 \"PT2H\"; at most 7 days."));

  /** The described fields, and every other field of the submission record by its type. */
  private static final String INPUT_SCHEMA = Schemas.withFieldsOf(INPUT, TaskRequest.class);

  private static final String OUTPUT = """
      {"type": "object",
       "properties": {
         "task": %s,
         "replay": {"type": "boolean",
                    "description": "true when idempotency_key matched an earlier submission: nothing new was created"}
       },
       "required": ["task", "replay"]}""".formatted(Schemas.TASK);

  /** One field of the submission, read by its type with the argument's own checks and messages. */
  private static Object read(ToolArguments a, String name, Type type) {
    if (type == UUID.class) {
      return a.uuid(name);
    }
    if (type == Integer.class) {
      return a.integer(name);
    }
    if (type == Instant.class) {
      return a.instant(name);
    }
    if (type == JsonNode.class) {
      return a.json(name);
    }
    if (type instanceof ParameterizedType list && list.getRawType() == List.class) {
      return list.getActualTypeArguments()[0] == UUID.class ? a.uuids(name) : a.strings(name);
    }
    return a.string(name);
  }

  @Override
  public Tool definition() {
    return ToolDefinitions.define(NAME, "Submit a mesh task", DESCRIPTION, INPUT_SCHEMA, OUTPUT, Effect.WRITE);
  }

  @Override
  public CallToolResult call(MeshClient mesh, ToolArguments a) {
    a.requiredString("title");
    Map<String, Object> fields = new HashMap<>();
    for (RecordComponent component : TaskRequest.class.getRecordComponents()) {
      Object value = read(a, TaskRecords.wireName(component.getName()), component.getGenericType());
      if (value != null) {
        fields.put(component.getName(), value);
      }
    }
    TaskRequest request = TaskRecords.copy(fields, TaskRequest.class);
    Submitted submitted = mesh.submit(a.requiredUuid("mission_id"), request);
    String summary = (submitted.replay()
        ? "Nothing new was created: idempotency_key matched the earlier submission, "
        : "Submitted ") + TaskViews.sentence(submitted.task()) + ", in mission " + submitted.task().missionId()
        + ". Follow it with get_mesh_task.";
    return ToolResults.ok(summary, Map.of("task", TaskViews.whole(submitted.task()), "replay", submitted.replay()));
  }
}
