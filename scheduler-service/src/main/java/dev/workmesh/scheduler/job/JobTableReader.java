package dev.workmesh.scheduler.job;

import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.core.ValidationException.Violation;
import dev.workmesh.core.task.RuntimeInput;
import dev.workmesh.core.task.TaskRecords;
import dev.workmesh.core.task.TaskValidator;
import java.lang.reflect.RecordComponent;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns one {@code [[job]]} table into a {@link JobDefinition}, reporting every problem it finds
 * (not just the first) and returning null when there was any.
 */
final class JobTableReader {

  static final List<String> JOB_KEYS =
      List.of("name", "schedule", "interval", "time_zone", "mission", "enabled", "misfire", "task");
  /** The keys of a job's task table ({@link JobTasks}). */
  static final List<String> TASK_KEYS = JobTasks.KEYS;

  private static final Map<String, String> TASK_KEYS_AT_JOB_LEVEL =
      hints(TASK_KEYS, key -> "\"" + key + "\" is a task field: put it under the job's [job.task] header");
  private static final Map<String, String> JOB_KEYS_IN_TASK =
      hints(
          JOB_KEYS,
          key -> "\"" + key + "\" is a job field, but TOML puts every key written after the [job.task]"
              + " header into the task table: move it above [job.task]");

  /** An agent id as {@code GET /work/agents} lists it; what every assigned_agent message shows. */
  static final String AGENT_ID_EXAMPLE = "\"0192f5e4-7b3a-7c1d-9e2f-3a4b5c6d7e8f\"";

  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final String file;
  private final ZoneId defaultZone;
  private final boolean fileDefaultZoneInvalid;

  /**
   * @param defaultZone the zone of jobs without {@code time_zone}
   * @param fileDefaultZoneInvalid the file's {@code default_time_zone} was given but unusable: jobs
   *     without their own {@code time_zone} are then rejected rather than run in a zone the operator
   *     did not choose
   */
  JobTableReader(String file, ZoneId defaultZone, boolean fileDefaultZoneInvalid) {
    this.file = file;
    this.defaultZone = defaultZone;
    this.fileDefaultZoneInvalid = fileDefaultZoneInvalid;
  }

  /** The job's name as written, if it is a non-blank string; used to label problems. */
  static @Nullable String rawName(ObjectNode table) {
    JsonNode name = table.get("name");
    return name != null && name.isString() && !name.stringValue().isBlank() ? name.stringValue() : null;
  }

  @Nullable JobDefinition read(ObjectNode table, int index, List<JobProblem> problems) {
    int problemsBefore = problems.size();
    TableFields job = new TableFields(table, file, index, rawName(table), "", problems);
    job.rejectUnknownKeys(JOB_KEYS, TASK_KEYS_AT_JOB_LEVEL, "[[job]]");

    String name = job.string("name", true, "\"nightly-report\"");
    if (name != null && !JobDefinition.NAME.matcher(name).matches()) {
      job.problem(
          "name",
          "expected 1 to 64 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit,"
              + " got \"" + name + "\"");
    }
    ZoneId zone = zone(job);
    Schedule schedule = schedule(job, zone);
    String mission = job.nonBlank("mission", true, "\"ops\"");
    Boolean enabled = job.bool("enabled");
    MisfirePolicy misfire = job.parsed("misfire", false, "\"fire_once\"", MisfirePolicy::fromToml);
    ObjectNode taskTable = job.table("task", true, "[job.task] with title = \"Nightly report\"");
    TaskRequest task = taskTable == null ? null : task(job.nested(taskTable, "task"));

    if (problems.size() > problemsBefore) {
      return null;
    }
    return new JobDefinition(
        name,
        schedule,
        zone,
        mission,
        enabled == null || enabled,
        misfire == null ? MisfirePolicy.SKIP : misfire,
        task);
  }

  private @Nullable ZoneId zone(TableFields job) {
    if (job.has("time_zone")) {
      return job.parsed("time_zone", false, "\"Europe/Paris\"", JobTableReader::zoneId);
    }
    if (fileDefaultZoneInvalid) {
      job.problem(
          "time_zone",
          "not set, and the file's default_time_zone is invalid: fix default_time_zone or set time_zone"
              + " on this job");
      return null;
    }
    return defaultZone;
  }

  static ZoneId zoneId(String id) {
    try {
      return ZoneId.of(id);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "expected an IANA time zone id such as \"Europe/Paris\", \"America/New_York\" or \"UTC\", got \""
              + id + "\"");
    }
  }

  private @Nullable Schedule schedule(TableFields job, @Nullable ZoneId zone) {
    boolean cron = job.has("schedule");
    boolean interval = job.has("interval");
    if (cron && interval) {
      job.problem(
          "schedule",
          "set either schedule (5-field cron) or interval, not both; remove one of them");
      return null;
    }
    if (!cron && !interval) {
      job.problem(
          "schedule",
          "missing; set schedule = \"30 6 * * 1-5\" (" + CronSchedule.FIELDS + ") or interval = \"2h30m\"");
      return null;
    }
    if (cron) {
      // Without a usable zone the expression is still checked, so that all its problems show at once.
      ZoneId checkZone = zone == null ? ZoneId.of("UTC") : zone;
      CronSchedule parsed =
          job.parsed("schedule", true, "\"30 6 * * 1-5\"", text -> CronSchedule.parse(text, checkZone));
      return zone == null ? null : parsed;
    }
    Duration every = job.duration("interval", true, IntervalSchedule.MINIMUM, IntervalSchedule.MAXIMUM);
    return every == null ? null : IntervalSchedule.every(every);
  }

  private static @Nullable TaskRequest task(TableFields task) {
    int problemsBefore = task.problemsSoFar();
    task.rejectUnknownKeys(TASK_KEYS, JOB_KEYS_IN_TASK, "[job.task]");
    String title = task.nonBlank("title", true, "\"Nightly report\"");
    String description = task.string("description", false, "\"Write the nightly report\"");
    String claimPolicy = task.parsed("claim_policy", false, "\"first_claim\"", JobTableReader::claimPolicy);
    String assignedAgent = task.parsed("assigned_agent", false, AGENT_ID_EXAMPLE, JobTableReader::agentId);
    String pool = task.nonBlank("pool", false, "\"default\"");
    List<String> capabilities = task.strings("required_capabilities", "[\"git\", \"docker\"]");
    Integer priority = task.integer("priority", -TaskValidator.MAX_PRIORITY, TaskValidator.MAX_PRIORITY);
    String runtime = task.nonBlank("runtime", false, "\"claude_code\"");
    ObjectNode input = task.table("input", false, "input = { command = \"echo hi\" }");
    Integer maxAttempts = task.integer("max_attempts", 1, TaskValidator.MAX_ATTEMPTS);
    Duration timeout = task.duration("timeout", false, Duration.ofSeconds(1), TaskValidator.MAX_TIMEOUT);

    String policy = claimPolicy == null ? JobTasks.FIRST_CLAIM : claimPolicy;
    if (JobTasks.ASSIGNED.equals(policy) && !task.has("assigned_agent")) {
      task.problem(
          "assigned_agent",
          "missing; claim_policy = \"assigned\" needs the agent's id, e.g. assigned_agent = " + AGENT_ID_EXAMPLE);
    }
    if (task.has("assigned_agent") && claimPolicy != null && !JobTasks.ASSIGNED.equals(policy)) {
      task.problem(
          "assigned_agent",
          "only used with claim_policy = \"assigned\" (this task is \"" + policy + "\"): set claim_policy ="
              + " \"assigned\" or remove assigned_agent");
    }
    if (task.has("assigned_agent") && !task.has("claim_policy")) {
      task.problem(
          "claim_policy",
          "assigned_agent is set but claim_policy defaults to \"first_claim\": set claim_policy = \"assigned\"");
    }
    checkRuntimeInput(task, runtime, input);

    Map<String, Object> fields = new HashMap<>();
    fields.put("title", title);
    fields.put("description", description);
    fields.put("claimPolicy", policy);
    fields.put("assignedAgent", JobTasks.ASSIGNED.equals(policy) ? assignedAgent : null);
    fields.put("pool", pool == null ? TaskValidator.DEFAULT_POOL : pool);
    fields.put("requiredCapabilities",
        capabilities == null ? List.of() : capabilities.stream().distinct().sorted().toList());
    fields.put("priority", priority == null ? 0 : priority);
    fields.put("runtime", runtime);
    fields.put("input", input == null ? JsonNodeFactory.instance.objectNode() : input);
    fields.put("maxAttempts", maxAttempts == null ? TaskValidator.DEFAULT_MAX_ATTEMPTS : maxAttempts);
    fields.put("timeout", timeout);
    readByType(task, fields);
    if (task.problemsSoFar() > problemsBefore) {
      return null;
    }
    return TaskRecords.copy(fields, TaskRequest.class);
  }

  /**
   * The template's other fields, those that need no TOML-specific reading: each read by its type, then
   * checked on load by mesh-core's task rules ({@link TaskValidator}), whose messages name the field.
   */
  private static void readByType(TableFields task, Map<String, Object> fields) {
    List<String> byType = new ArrayList<>();
    for (RecordComponent component : TaskRequest.class.getRecordComponents()) {
      String key = TaskRecords.wireName(component.getName());
      if (!fields.containsKey(component.getName()) && task.has(key)) {
        try {
          fields.put(component.getName(), TaskRecords.read(task.node(key), component));
          byType.add(key);
        } catch (IllegalArgumentException e) {
          task.problem(key, e.getMessage() + ", got " + TableFields.describe(task.node(key)));
        }
      }
    }
    if (byType.isEmpty() || task.problemsSoFar() > 0) {
      return;
    }
    List<Violation> violations = new ArrayList<>();
    TaskValidator.validate(TaskRecords.copy(fields, TaskRequest.class), "", violations);
    for (Violation v : violations) {
      if (byType.stream().anyMatch(key -> v.field().equals(key) || v.field().startsWith(key + "["))) {
        task.problem(v.field(), v.message());
      }
    }
  }

  /** What the runtime runs must be in the input (mesh-core's rule): checked on load, not at the first fire. */
  private static void checkRuntimeInput(TableFields task, @Nullable String runtime, @Nullable ObjectNode input) {
    List<Violation> violations = new ArrayList<>();
    RuntimeInput.check(runtime, input, "", violations);
    for (Violation v : violations) {
      task.problem(v.field(), v.message() + (v.field().endsWith("argv")
          ? "; in TOML: input = { argv = [\"make\", \"report\"] }"
          : "; in TOML: input = { command = \"echo hi\" }"));
    }
  }

  /**
   * An assigned agent is named by its id, checked here rather than when the job fires so that a typo
   * shows on reload instead of as a failed fire hours later. Whether the agent is enrolled can only be
   * known when the task is submitted.
   */
  static String agentId(String value) {
    if (!UUID_TEXT.matcher(value.strip()).matches()) {
      throw new IllegalArgumentException(
          "expected the agent's id, a UUID such as " + AGENT_ID_EXAMPLE + " (list agents with GET /work/agents),"
              + " got \"" + value + "\"");
    }
    return value.strip().toLowerCase(Locale.ROOT);
  }

  private static String claimPolicy(String value) {
    if (!JobTasks.CLAIM_POLICIES.contains(value)) {
      throw new IllegalArgumentException(
          "expected \"first_claim\", \"assigned\" or \"broadcast\", got \"" + value + "\"");
    }
    return value;
  }

  private static Map<String, String> hints(List<String> keys, Function<String, String> hint) {
    return keys.stream().collect(Collectors.toUnmodifiableMap(k -> k, hint));
  }
}
