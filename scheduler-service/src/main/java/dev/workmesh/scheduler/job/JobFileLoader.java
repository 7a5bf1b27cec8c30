package dev.workmesh.scheduler.job;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * Reads a {@code cron.toml} job file into a {@link JobFile}: every valid job, plus a {@link
 * JobProblem} for everything wrong. One bad job never stops the others from loading; a file that is
 * not valid TOML yields no job and {@code readable = false}.
 *
 * <p>Only TOML syntax errors carry a line number, Jackson's position when it gave up (for a key
 * written twice, the start of the line after the second one). The TOML module parses the document
 * into a tree without positions, so other problems are located by job number, job name and key.
 *
 * <p>Known limitation of jackson-dataformat-toml 3.1.5 (FasterXML/jackson-dataformats-text#663,
 * fixed upstream after that release): a 19-digit integer literal is misread, e.g. {@code
 * 1000000000000000000} as 0. No field of a job takes such a value, but a task's {@code input} could.
 *
 * <p>The file format is described in {@code package-info.java} of this package.
 */
public final class JobFileLoader {

  static final List<String> TOP_LEVEL_KEYS = List.of("default_time_zone", "job");

  private static final Map<String, String> JOB_KEYS_AT_TOP_LEVEL =
      JobTableReader.JOB_KEYS.stream()
          .collect(
              Collectors.toUnmodifiableMap(
                  key -> key,
                  key -> "\"" + key + "\" is a job field: put it inside a [[job]] table"));

  private static final TomlMapper TOML = TomlMapper.builder().build();

  private final ZoneId configuredDefaultZone;

  /** Jobs without any time zone run in UTC. */
  public JobFileLoader() {
    this(ZoneId.of("UTC"));
  }

  /**
   * @param configuredDefaultZone the zone of jobs that set no {@code time_zone} in a file that sets no
   *     {@code default_time_zone}
   */
  public JobFileLoader(ZoneId configuredDefaultZone) {
    this.configuredDefaultZone = Objects.requireNonNull(configuredDefaultZone, "configuredDefaultZone");
  }

  /** Reads and validates {@code file}; never throws for a missing, unreadable or invalid file. */
  public JobFile load(Path file) {
    String source = file.toString();
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      return unreadable(source, "file not found: create it or point the scheduler at the right path");
    } catch (CharacterCodingException e) {
      return unreadable(source, "not valid UTF-8: TOML files must be UTF-8 encoded");
    } catch (IOException e) {
      return unreadable(source, "cannot be read: " + e);
    }
    return parse(text, source);
  }

  /**
   * Validates TOML text.
   *
   * @param source how problems name the file, e.g. its path
   */
  public JobFile parse(String toml, String source) {
    JsonNode root;
    try {
      root = TOML.readTree(toml);
    } catch (JacksonException e) {
      TokenStreamLocation location = e.getLocation();
      Integer line = location != null && location.getLineNr() > 0 ? location.getLineNr() : null;
      String column = location != null && location.getColumnNr() > 0 ? ", column " + location.getColumnNr() : "";
      String where = line == null ? "" : " near line " + line + column;
      List<JobProblem> problems =
          List.of(
              new JobProblem(
                  source, line, null, null, null,
                  "not valid TOML" + where + ": " + e.getOriginalMessage() + "; no job of this file was loaded"));
      return new JobFile(source, false, List.of(), problems);
    }
    if (!(root instanceof ObjectNode document)) {
      return new JobFile(source, true, List.of(), List.of()); // an empty file has no jobs
    }
    return readDocument(document, source);
  }

  private JobFile readDocument(ObjectNode root, String source) {
    List<JobProblem> problems = new ArrayList<>();
    TableFields top = new TableFields(root, source, null, null, "", problems);
    top.rejectUnknownKeys(TOP_LEVEL_KEYS, JOB_KEYS_AT_TOP_LEVEL, "the top level");

    ZoneId defaultZone = configuredDefaultZone;
    boolean defaultZoneInvalid = false;
    if (top.has("default_time_zone")) {
      ZoneId fileZone =
          top.parsed("default_time_zone", false, "\"Europe/Paris\"", JobTableReader::zoneId);
      defaultZoneInvalid = fileZone == null;
      defaultZone = fileZone == null ? configuredDefaultZone : fileZone;
    }

    List<JobDefinition> jobs = new ArrayList<>();
    JsonNode jobTables = root.get("job");
    if (jobTables != null && !jobTables.isArray()) {
      top.problem(
          "job",
          "expected [[job]] tables (an array of tables), got " + TableFields.describe(jobTables)
              + ": write [[job]] with double brackets");
    } else if (jobTables != null) {
      JobTableReader reader = new JobTableReader(source, defaultZone, defaultZoneInvalid);
      Map<String, Integer> firstIndexByName = new HashMap<>();
      int index = 0;
      for (JsonNode element : jobTables.values()) {
        index++;
        if (!element.isObject()) {
          problems.add(
              new JobProblem(source, null, index, null, null,
                  "expected a [[job]] table, got " + TableFields.describe(element)));
          continue;
        }
        ObjectNode table = (ObjectNode) element;
        JobDefinition job = reader.read(table, index, problems);
        String name = JobTableReader.rawName(table);
        Integer first = name == null ? null : firstIndexByName.putIfAbsent(name, index);
        if (first != null) {
          problems.add(
              new JobProblem(source, null, index, name, "name",
                  "duplicate: job #" + first + " already has the name \"" + name
                      + "\"; names must be unique, rename one of them"));
        } else if (job != null) {
          jobs.add(job);
        }
      }
    }
    return new JobFile(source, true, jobs, problems);
  }

  private static JobFile unreadable(String source, String message) {
    return new JobFile(source, false, List.of(), List.of(new JobProblem(source, null, null, null, null, message)));
  }
}
