package dev.workmesh.mcp.tools;

import dev.workmesh.core.task.RuntimeInput;
import dev.workmesh.core.task.TaskRecords;
import dev.workmesh.core.task.TaskValidator;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON Schema (2020-12) fragments shared by the tools' input and output schemas, as JSON text. Input
 * fragments take their bounds from mesh-core's task rules (TaskValidator, RuntimeInput), so that the SDK
 * rejects a malformed call before it travels; mesh-api stays the authority and its field errors still
 * reach the model.
 */
final class Schemas {

  private Schemas() {}

  static final String UUID_PATTERN =
      "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

  /** An id of a task, mission or agent. */
  static String uuid(String description) {
    return """
        {"type": "string", "format": "uuid", "pattern": "%s", "description": %s}"""
        .formatted(UUID_PATTERN, quote(description));
  }

  /** Pools, capabilities and runtimes: short names (mesh-core's TaskValidator.NAME). */
  static final String NAME_PATTERN = "^" + TaskValidator.NAME.pattern() + "$";

  /**
   * Fills a submission schema's {@code @NAME@} placeholders with mesh-core's bounds ({@link TaskValidator})
   * and its runtime input rules ({@link RuntimeInput}), so that no bound is written twice.
   */
  static String withTaskRules(String schema) {
    return schema
        .replace("@MAX_TITLE@", Integer.toString(TaskValidator.MAX_TITLE))
        .replace("@MAX_DESCRIPTION@", Integer.toString(TaskValidator.MAX_DESCRIPTION))
        .replace("@MAX_CAPABILITIES@", Integer.toString(TaskValidator.MAX_CAPABILITIES))
        .replace("@MAX_PRIORITY@", Integer.toString(TaskValidator.MAX_PRIORITY))
        .replace("@MAX_DEPENDENCIES@", Integer.toString(TaskValidator.MAX_DEPENDENCIES))
        .replace("@MAX_IDEMPOTENCY_KEY@", Integer.toString(TaskValidator.MAX_IDEMPOTENCY_KEY))
        .replace("@MAX_ATTEMPTS@", Integer.toString(TaskValidator.MAX_ATTEMPTS))
        .replace("@DEFAULT_MAX_ATTEMPTS@", Integer.toString(TaskValidator.DEFAULT_MAX_ATTEMPTS))
        .replace("@DEFAULT_POOL@", TaskValidator.DEFAULT_POOL)
        .replace("@RUNTIME_INPUT_RULES@", RUNTIME_INPUT_RULES);
  }

  /**
   * Adds to an object schema a property for every component of {@code record} it does not describe yet,
   * by the component's wire name and type, so that a field added to the submission record can be passed
   * before anyone writes a description for it.
   */
  static String withFieldsOf(String schema, Class<? extends Record> record) {
    ObjectNode root = (ObjectNode) StructuredJson.MAPPER.readTree(schema);
    ObjectNode properties = (ObjectNode) root.get("properties");
    for (RecordComponent component : record.getRecordComponents()) {
      String name = TaskRecords.wireName(component.getName());
      if (!properties.has(name)) {
        properties.set(name, StructuredJson.MAPPER.readTree(forType(component.getGenericType())));
      }
    }
    return StructuredJson.write(root);
  }

  /** The schema of a value of a submission field's Java type. */
  private static String forType(Type type) {
    if (type instanceof ParameterizedType list && list.getRawType() == List.class) {
      return "{\"type\": \"array\", \"items\": " + forType(list.getActualTypeArguments()[0]) + "}";
    }
    if (type == UUID.class) {
      return uuid("An id.");
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "{\"type\": \"integer\"}";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "{\"type\": \"boolean\"}";
    }
    if (type == Instant.class) {
      return "{\"type\": \"string\", \"format\": \"date-time\"}";
    }
    if (type == String.class) {
      return "{\"type\": \"string\"}";
    }
    return "{}";
  }

  /** mesh-core's {@link RuntimeInput}: bash needs input.command, exec needs input.argv. */
  private static final String RUNTIME_INPUT_RULES = """
      [{"if": {"properties": {"runtime": {"const": "%s"}}, "required": ["runtime"]},
        "then": {"required": ["input"], "properties": {"input": {"required": ["command"],
                 "properties": {"command": {"type": "string", "minLength": 1}}}}}},
       {"if": {"properties": {"runtime": {"const": "%s"}}, "required": ["runtime"]},
        "then": {"required": ["input"], "properties": {"input": {"required": ["argv"],
                 "properties": {"argv": {"type": "array", "minItems": 1,
                                         "items": {"type": "string"}, "prefixItems": [{"minLength": 1}]}}}}}}]"""
      .formatted(RuntimeInput.BASH, RuntimeInput.EXEC);

  static final String CLAIM_TOKEN = """
      {"type": "string", "minLength": 1, "maxLength": 200,
       "description": "The claim_token that claim_mesh_task returned for this task (it starts with wm_claim_)."}""";

  /** A task as mesh-api shows it; fields without a value are left out. */
  static final String TASK = """
      {"type": "object",
       "properties": {
         "id": {"type": "string"},
         "mission_id": {"type": "string"},
         "title": {"type": "string"},
         "description": {"type": "string", "description": "The prompt: what the claiming agent is asked to do."},
         "claim_policy": {"type": "string", "description": "first_claim, assigned or broadcast"},
         "assigned_agent": {"type": "string"},
         "pool": {"type": "string"},
         "required_capabilities": {"type": "array", "items": {"type": "string"}},
         "priority": {"type": "integer"},
         "runtime": {"type": "string"},
         "input": {"type": "object"},
         "max_attempts": {"type": "integer"},
         "timeout": {"type": "string"},
         "not_before": {"type": "string"},
         "depends_on": {"type": "array", "items": {"type": "string"}},
         "parent_task_id": {"type": "string"},
         "idempotency_key": {"type": "string"},
         "status": {"type": "string",
                    "description": "pending, ready, claimed, running, succeeded, failed or cancelled"},
         "attempt": {"type": "integer", "description": "Attempts spent so far (released ones are not counted)."},
         "waiting_reason": {"type": "object", "description": "Only while ready or pending and no connected agent can claim it: requirement (agent, pool, capabilities or runtime) and message."},
         "cancel_requested": {"type": "boolean"},
         "result": {"description": "What the agent that completed the task reported (any JSON)."},
         "error": {"type": "string"},
         "submitted_by": {"type": "string"},
         "created_at": {"type": "string"},
         "ready_at": {"type": "string"},
         "finished_at": {"type": "string"},
         "updated_at": {"type": "string"},
         "attempts": {"type": "array", "items": {
           "type": "object",
           "properties": {
             "id": {"type": "string"},
             "agent_id": {"type": "string"},
             "number": {"type": "integer"},
             "broadcast": {"type": "boolean"},
             "claimed_at": {"type": "string"},
             "started_at": {"type": "string"},
             "finished_at": {"type": "string"},
             "lease_expires_at": {"type": "string"},
             "outcome": {"type": "string",
                         "description": "succeeded, failed, timed_out, cancelled, lost or released (given back by its agent, the reason in error; not counted); absent while live"},
             "exit_code": {"type": "integer"},
             "log_tail": {"type": "string"},
             "result": {},
             "error": {"type": "string"},
             "usage": {"type": "object", "description": "What the attempt's agent reported consuming.",
                       "properties": {"model": {"type": "string"}, "input_tokens": {"type": "integer"},
                                      "output_tokens": {"type": "integer"}, "cost_usd": {"type": "number"}}}
           },
           "required": ["id", "agent_id", "number"]}},
         "usage_total": {"description": "The usage of its attempts summed; absent when none reported any.",
                         "type": "object", "properties": {"input_tokens": {"type": "integer"},
                         "output_tokens": {"type": "integer"}, "tokens": {"type": "integer"},
                         "cost_usd": {"type": "number"}}}
       },
       "required": ["id", "mission_id", "title", "claim_policy", "pool", "priority", "status", "attempt",
                    "max_attempts"]}""";

  /** One line of a task list. */
  static final String TASK_SUMMARY = """
      {"type": "object",
       "properties": {
         "id": {"type": "string"},
         "title": {"type": "string"},
         "status": {"type": "string"},
         "claim_policy": {"type": "string"},
         "pool": {"type": "string"},
         "priority": {"type": "integer"},
         "runtime": {"type": "string"},
         "assigned_agent": {"type": "string"},
         "attempt": {"type": "integer"},
         "max_attempts": {"type": "integer"},
         "error": {"type": "string"},
         "waiting_reason": {"type": "string", "description": "Why no connected agent can claim it now."},
         "created_at": {"type": "string"},
         "finished_at": {"type": "string"}
       },
       "required": ["id", "title", "status", "priority", "attempt", "max_attempts"]}""";

  static final String MISSION = """
      {"type": "object",
       "properties": {
         "id": {"type": "string"},
         "name": {"type": "string"},
         "description": {"type": "string"},
         "created_at": {"type": "string"},
         "task_counts": {"type": "object", "additionalProperties": {"type": "integer"},
                         "description": "Tasks of the mission by status."},
         "budget": {"type": "object", "description": "What its attempts may spend; absent when unlimited.",
                    "properties": {"tokens": {"type": "integer"}, "cost_usd": {"type": "number"}}},
         "spent": {"type": "object", "description": "What its attempts reported consuming.",
                   "properties": {"input_tokens": {"type": "integer"}, "output_tokens": {"type": "integer"},
                                  "tokens": {"type": "integer"}, "cost_usd": {"type": "number"}}},
         "budget_exhausted": {"type": "boolean",
                              "description": "True when the budget is spent: its remaining tasks are not claimed."}
       },
       "required": ["id", "name"]}""";

  /** {@code {"task": <task>}}: the answer of every tool that changes or reads one task. */
  static final String TASK_RESULT = """
      {"type": "object", "properties": {"task": %s}, "required": ["task"]}""".formatted(TASK);

  static String quote(String text) {
    return StructuredJson.write(text);
  }
}
