package dev.workmesh.scheduler.job;

import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.core.DurationText;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One {@code [[job]]} of {@code cron.toml}, validated and with every default applied.
 *
 * <p>Equality is by content. {@link #contentHash()} is a SHA-256 over {@link #canonicalForm()}:
 * equal definitions have equal hashes in any JVM, so a reload tells changed jobs from unchanged
 * ones by comparing hashes (or with {@link JobSetDiff}), and the hash can be stored next to a job.
 * Formatting that does not change meaning does not change the hash: key order, whitespace in the
 * cron expression, {@code "2h30m"} versus {@code "150m"}, a default written out or left implicit.
 *
 * @param zone the job's time zone: its {@code time_zone}, else the file's {@code
 *     default_time_zone}, else the loader's configured default. For a cron job it is the zone of
 *     the {@link CronSchedule}; for an interval job it is only used to display times.
 */
public record JobDefinition(
    String name,
    Schedule schedule,
    ZoneId zone,
    String mission,
    boolean enabled,
    MisfirePolicy misfire,
    TaskRequest task) {

  /** Job names: lower case, digits, {@code . _ -}; 1 to 64 characters, not starting with punctuation. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  private static final JsonMapper CANONICAL_JSON =
      JsonMapper.builder().enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED).build();

  public JobDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(mission, "mission");
    Objects.requireNonNull(misfire, "misfire");
    Objects.requireNonNull(task, "task");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("job name " + name + " does not match " + NAME.pattern());
    }
    if (schedule instanceof CronSchedule cron && !cron.zone().equals(zone)) {
      throw new IllegalArgumentException("cron schedule zone " + cron.zone() + " differs from job zone " + zone);
    }
  }

  /**
   * Every field of the definition as JSON with sorted keys (the task's by their wire names, its timeout
   * in ISO-8601), prefixed by a format version. Stable for a given version of this class. A field added to
   * the submission adds its key to every job's form; hashes are only compared between loads of one
   * process, so that changes nothing a running scheduler sees.
   */
  public String canonicalForm() {
    ObjectNode root = CANONICAL_JSON.createObjectNode();
    root.put("name", name);
    root.put("schedule", schedule.canonical());
    root.put("zone", zone.getId());
    root.put("mission", mission);
    root.put("enabled", enabled);
    root.put("misfire", misfire.tomlName());
    ObjectNode t = JobTasks.wireTree(task);
    t.put("timeout", task.timeout() == null ? null : DurationText.parse(task.timeout()).toString());
    root.set("task", t);
    return "job/v1 " + CANONICAL_JSON.writeValueAsString(root);
  }

  /** Lower-case hex SHA-256 of {@link #canonicalForm()}. */
  public String contentHash() {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(canonicalForm().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  }
}
