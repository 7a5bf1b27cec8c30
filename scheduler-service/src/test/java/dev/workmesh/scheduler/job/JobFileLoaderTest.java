package dev.workmesh.scheduler.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.core.DurationText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ObjectNode;

class JobFileLoaderTest {

  @TempDir Path dir;

  private final JobFileLoader loader = new JobFileLoader(ZoneId.of("Asia/Tokyo"));

  private Path write(String toml) throws IOException {
    Path file = dir.resolve("cron.toml");
    Files.writeString(file, toml);
    return file;
  }

  private static final String AGENT_ID = "0192f5e4-7b3a-7c1d-9e2f-3a4b5c6d7e8f";

  /** A valid job with one line replaced or added; the base sets every field. */
  private static final String VALID_JOB =
      """
      [[job]]
      name = "nightly-report"
      schedule = "30 6 * * 1-5"
      mission = "ops"
      [job.task]
      title = "Nightly report"
      """;

  @Test
  void readsEveryFieldOfAFullFile() throws IOException {
    JobFile file =
        loader.load(
            write(
                """
                default_time_zone = "Europe/Paris"

                [[job]]
                name = "nightly-report"
                schedule = "30 6 * * 1-5"
                time_zone = "America/New_York"
                mission = "ops"
                enabled = false
                misfire = "fire_once"
                [job.task]
                title = "Nightly report"
                description = "Write the report"
                claim_policy = "assigned"
                assigned_agent = "0192F5E4-7B3A-7C1D-9E2F-3A4B5C6D7E8F"
                pool = "reports"
                required_capabilities = ["git", "docker", "git"]
                priority = -5
                runtime = "bash"
                input = { command = "echo hi", env = { LANG = "C" }, retries = [1, 2] }
                max_attempts = 7
                timeout = "PT45M"

                [[job]]
                name = "heartbeat.check_2"
                interval = "2h30m"
                mission = "ops"
                [job.task]
                title = "Heartbeat"
                """));

    assertThat(file.problems()).isEmpty();
    assertThat(file.readable()).isTrue();
    assertThat(file.jobs()).extracting(JobDefinition::name).containsExactly("nightly-report", "heartbeat.check_2");

    JobDefinition nightly = file.job("nightly-report").orElseThrow();
    assertThat(nightly.schedule()).isEqualTo(CronSchedule.parse("30 6 * * 1-5", ZoneId.of("America/New_York")));
    assertThat(nightly.zone()).isEqualTo(ZoneId.of("America/New_York"));
    assertThat(nightly.mission()).isEqualTo("ops");
    assertThat(nightly.enabled()).isFalse();
    assertThat(nightly.misfire()).isEqualTo(MisfirePolicy.FIRE_ONCE);
    TaskRequest task = nightly.task();
    assertThat(task.title()).isEqualTo("Nightly report");
    assertThat(task.description()).isEqualTo("Write the report");
    assertThat(task.claimPolicy()).isEqualTo("assigned");
    assertThat(task.assignedAgent()).as("the id, in lower case").hasToString(AGENT_ID);
    assertThat(task.pool()).isEqualTo("reports");
    assertThat(task.requiredCapabilities()).containsExactly("docker", "git");
    assertThat(task.priority()).isEqualTo(-5);
    assertThat(task.runtime()).isEqualTo("bash");
    assertThat(task.input().toString())
        .isEqualTo("{\"command\":\"echo hi\",\"env\":{\"LANG\":\"C\"},\"retries\":[1,2]}");
    assertThat(task.maxAttempts()).isEqualTo(7);
    assertThat(DurationText.parse(task.timeout())).isEqualTo(Duration.ofMinutes(45));

    JobDefinition heartbeat = file.job("heartbeat.check_2").orElseThrow();
    assertThat(heartbeat.schedule()).isEqualTo(IntervalSchedule.every(Duration.ofMinutes(150)));
    assertThat(heartbeat.zone()).as("the file's default_time_zone").isEqualTo(ZoneId.of("Europe/Paris"));
  }

  @Test
  void appliesDefaultsToOmittedFields() {
    JobFile file = loader.parse(VALID_JOB, "cron.toml");

    JobDefinition job = file.jobs().getFirst();
    assertThat(job.enabled()).isTrue();
    assertThat(job.misfire()).isEqualTo(MisfirePolicy.SKIP);
    assertThat(job.zone()).as("the loader's configured zone").isEqualTo(ZoneId.of("Asia/Tokyo"));
    TaskRequest task = job.task();
    assertThat(task.description()).isNull();
    assertThat(task.claimPolicy()).isEqualTo("first_claim");
    assertThat(task.assignedAgent()).isNull();
    assertThat(task.pool()).isEqualTo("default");
    assertThat(task.requiredCapabilities()).isEmpty();
    assertThat(task.priority()).isZero();
    assertThat(task.runtime()).isNull();
    assertThat(task.input().isEmpty()).isTrue();
    assertThat(task.maxAttempts()).isEqualTo(3);
    assertThat(task.timeout()).isNull();
  }

  @Test
  void zoneFallsBackFromJobToFileToConfiguredToUtc() {
    assertThat(new JobFileLoader().parse(VALID_JOB, "f").jobs().getFirst().zone()).isEqualTo(ZoneId.of("UTC"));
    assertThat(loader.parse(VALID_JOB, "f").jobs().getFirst().zone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
    assertThat(loader.parse("default_time_zone = \"Europe/Paris\"\n" + VALID_JOB, "f").jobs().getFirst().zone())
        .isEqualTo(ZoneId.of("Europe/Paris"));
    String withJobZone = VALID_JOB.replace("mission = \"ops\"", "mission = \"ops\"\ntime_zone = \"America/Chicago\"");
    assertThat(loader.parse("default_time_zone = \"Europe/Paris\"\n" + withJobZone, "f").jobs().getFirst().zone())
        .isEqualTo(ZoneId.of("America/Chicago"));
  }

  @Test
  void anEmptyFileHasNoJobsAndNoProblems() {
    JobFile file = loader.parse("# nothing scheduled yet\n", "cron.toml");
    assertThat(file.readable()).isTrue();
    assertThat(file.jobs()).isEmpty();
    assertThat(file.problems()).isEmpty();
  }

  /** Each case: a line to replace in the valid job (or add), the field named, words of the message. */
  static Stream<Arguments> invalidFields() {
    return Stream.of(
        Arguments.of("name = \"nightly-report\"", "name = \"Nightly Report\"", "name", "a-z, 0-9"),
        Arguments.of("name = \"nightly-report\"", "name = 7", "name", "expected a string"),
        Arguments.of("schedule = \"30 6 * * 1-5\"", "schedule = \"0 30 6 * * 1-5\"", "schedule",
            "5 fields: minute hour day-of-month month day-of-week"),
        Arguments.of("schedule = \"30 6 * * 1-5\"", "schedule = \"61 6 * * *\"", "schedule", "MinuteOfHour"),
        Arguments.of("schedule = \"30 6 * * 1-5\"", "schedule = \"0 0 30 2 *\"", "schedule", "never matches"),
        Arguments.of("schedule = \"30 6 * * 1-5\"", "interval = \"2 hours\"", "interval", "\"2h30m\""),
        Arguments.of("schedule = \"30 6 * * 1-5\"", "interval = \"500ms\"", "interval", "from 1s to 366d"),
        Arguments.of("schedule = \"30 6 * * 1-5\"", "interval = \"PT0.5S\"", "interval", "from 1s to 366d"),
        Arguments.of("schedule = \"30 6 * * 1-5\"", "interval = \"400d\"", "interval", "from 1s to 366d"),
        Arguments.of("schedule = \"30 6 * * 1-5\"", "schedule = \"30 6 * * *\"\ninterval = \"1h\"", "schedule",
            "not both"),
        Arguments.of("schedule = \"30 6 * * 1-5\"", "", "schedule", "missing"),
        Arguments.of("mission = \"ops\"", "mission = \"ops\"\ntime_zone = \"Paris\"", "time_zone", "IANA"),
        Arguments.of("mission = \"ops\"", "", "mission", "missing"),
        Arguments.of("mission = \"ops\"", "mission = \"  \"", "mission", "must not be empty"),
        Arguments.of("mission = \"ops\"", "mission = \"ops\"\nenabled = \"yes\"", "enabled", "true or false"),
        Arguments.of("mission = \"ops\"", "mission = \"ops\"\nmisfire = \"catch_up\"", "misfire",
            "\"skip\" or \"fire_once\""),
        Arguments.of("mission = \"ops\"", "mission = \"ops\"\nshedule = \"x\"", "shedule",
            "did you mean \"schedule\""),
        Arguments.of("mission = \"ops\"", "mission = \"ops\"\ntitle = \"x\"", "title", "[job.task]"),
        Arguments.of("[job.task]\ntitle = \"Nightly report\"", "", "task", "missing"),
        Arguments.of("title = \"Nightly report\"", "", "task.title", "missing"),
        Arguments.of("title = \"Nightly report\"", "title = \"x\"\nclaim_policy = \"first\"", "task.claim_policy",
            "\"first_claim\", \"assigned\" or \"broadcast\""),
        Arguments.of("title = \"Nightly report\"", "title = \"x\"\nclaim_policy = \"assigned\"",
            "task.assigned_agent", "needs the agent"),
        Arguments.of("title = \"Nightly report\"",
            "title = \"x\"\nclaim_policy = \"broadcast\"\nassigned_agent = \"" + AGENT_ID + "\"",
            "task.assigned_agent", "only used with claim_policy = \"assigned\""),
        Arguments.of("title = \"Nightly report\"", "title = \"x\"\nassigned_agent = \"" + AGENT_ID + "\"",
            "task.claim_policy",
            "set claim_policy = \"assigned\""),
        Arguments.of("title = \"Nightly report\"",
            "title = \"x\"\nclaim_policy = \"assigned\"\nassigned_agent = \"build-agent-1\"",
            "task.assigned_agent", "expected the agent's id, a UUID"),
        Arguments.of("title = \"Nightly report\"", "title = \"x\"\nrequired_capabilities = \"git\"",
            "task.required_capabilities", "array of strings"),
        Arguments.of("title = \"Nightly report\"", "title = \"x\"\npriority = 1.5", "task.priority", "integer"),
        Arguments.of("title = \"Nightly report\"", "title = \"x\"\npriority = 3000000000", "task.priority",
            "-1000000..1000000"),
        Arguments.of("title = \"Nightly report\"", "title = \"x\"\nmax_attempts = 0", "task.max_attempts", "1..100"),
        Arguments.of("title = \"Nightly report\"", "title = \"x\"\nmax_attempts = 101", "task.max_attempts", "1..100"),
        Arguments.of("title = \"Nightly report\"", "title = \"x\"\ntimeout = \"forever\"", "task.timeout", "\"30m\""),
        Arguments.of("title = \"Nightly report\"", "title = \"x\"\ntimeout = 1800", "task.timeout", "expected a string"),
        Arguments.of("title = \"Nightly report\"", "title = \"x\"\ntimeout = \"8d\"", "task.timeout", "from 1s to 7d"),
        Arguments.of("title = \"Nightly report\"", "title = \"x\"\ninput = \"echo hi\"", "task.input", "a table"),
        Arguments.of("title = \"Nightly report\"", "title = \"x\"\nruntime = \"bash\"", "task.input.command", "bash -c"),
        Arguments.of("title = \"Nightly report\"", "title = \"x\"\nruntime = \"exec\"\ninput = { argv = \"make\" }",
            "task.input.argv", "array of strings"),
        Arguments.of("title = \"Nightly report\"", "title = \"x\"\ntitel = \"y\"", "task.titel", "did you mean \"title\""),
        Arguments.of("title = \"Nightly report\"", "title = \"x\"\nenabled = false", "task.enabled",
            "move it above [job.task]"));
  }

  @ParameterizedTest(name = "{3}: {2}")
  @MethodSource("invalidFields")
  void everyProblemNamesFileJobAndField(String replace, String with, String field, String messagePart)
      throws IOException {
    Path path = write(VALID_JOB.replace(replace, with));

    JobFile file = loader.load(path);

    assertThat(file.jobs()).isEmpty();
    assertThat(file.problems()).hasSize(1);
    JobProblem problem = file.problems().getFirst();
    assertThat(problem.file()).isEqualTo(path.toString());
    assertThat(problem.jobIndex()).isEqualTo(1);
    assertThat(problem.field()).isEqualTo(field);
    assertThat(problem.message()).contains(messagePart);
    assertThat(problem.describe()).startsWith(path + ": job #1").contains(field + ": ");
  }

  @Test
  void problemsNameTheJobByNameWhenItHasOne() {
    JobFile file = loader.parse(VALID_JOB.replace("mission = \"ops\"", ""), "cron.toml");

    assertThat(file.problems().getFirst().describe())
        .isEqualTo("cron.toml: job #1 \"nightly-report\": mission: missing; expected a string, e.g. mission = \"ops\"");
  }

  @Test
  void reportsEveryProblemOfAJobNotJustTheFirst() {
    JobFile file =
        loader.parse(
            """
            [[job]]
            name = "x"
            interval = "soon"
            [job.task]
            priority = "high"
            """,
            "cron.toml");

    assertThat(file.problems())
        .extracting(JobProblem::field)
        .containsExactlyInAnyOrder("interval", "mission", "task.title", "task.priority");
  }

  @Test
  void oneBadJobLeavesTheOthersLoaded() {
    JobFile file =
        loader.parse(
            VALID_JOB.replace("nightly-report", "first")
                + VALID_JOB.replace("nightly-report", "broken").replace("30 6 * * 1-5", "every day")
                + "[[job]]\nname = 42\n"
                + VALID_JOB.replace("nightly-report", "last"),
            "cron.toml");

    assertThat(file.readable()).isTrue();
    assertThat(file.jobs()).extracting(JobDefinition::name).containsExactly("first", "last");
    assertThat(file.problems())
        .extracting(JobProblem::jobIndex, JobProblem::jobName, JobProblem::field)
        .containsExactly(
            tuple(2, "broken", "schedule"),
            tuple(3, null, "name"),
            tuple(3, null, "schedule"),
            tuple(3, null, "mission"),
            tuple(3, null, "task"));
  }

  @Test
  void aDuplicateNameIsAProblemAndTheFirstJobWins() {
    JobFile file =
        loader.parse(
            VALID_JOB + VALID_JOB.replace("Nightly report", "Copy") + VALID_JOB.replace("nightly-report", "other"),
            "cron.toml");

    assertThat(file.jobs()).extracting(JobDefinition::name).containsExactly("nightly-report", "other");
    assertThat(file.job("nightly-report").orElseThrow().task().title()).isEqualTo("Nightly report");
    assertThat(file.problems()).singleElement().satisfies(problem -> {
      assertThat(problem.jobIndex()).isEqualTo(2);
      assertThat(problem.field()).isEqualTo("name");
      assertThat(problem.message()).contains("duplicate", "job #1");
    });
  }

  @Test
  void aTomlSyntaxErrorNamesFileAndLineAndLoadsNothing() throws IOException {
    Path path = write(VALID_JOB + "[[job]]\nname = \"unterminated\nmission = \"ops\"\n");

    JobFile file = loader.load(path);

    assertThat(file.readable()).isFalse();
    assertThat(file.jobs()).isEmpty();
    assertThat(file.problems()).singleElement().satisfies(problem -> {
      assertThat(problem.file()).isEqualTo(path.toString());
      assertThat(problem.line()).isEqualTo(8);
      assertThat(problem.message()).contains("not valid TOML near line 8");
      assertThat(problem.describe()).startsWith(path + ":8: ");
    });
  }

  @Test
  void aKeyWrittenTwiceIsASyntaxErrorWithItsLine() {
    JobFile file = loader.parse(VALID_JOB.replace("mission = \"ops\"", "mission = \"ops\"\nmission = \"dev\""), "f");

    assertThat(file.readable()).isFalse();
    // Jackson reports where it stood: the line after the repeated key (line 5).
    assertThat(file.problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(6);
      assertThat(p.message()).contains("Duplicate key");
    });
  }

  @Test
  void unknownTopLevelKeysAreProblemsButJobsStillLoad() {
    JobFile file =
        loader.parse("default_timezone = \"Europe/Paris\"\nname = \"x\"\n" + VALID_JOB, "cron.toml");

    assertThat(file.jobs()).hasSize(1);
    assertThat(file.problems())
        .extracting(JobProblem::jobIndex, JobProblem::field)
        .containsExactly(tuple(null, "default_timezone"), tuple(null, "name"));
    assertThat(file.problems().get(0).message()).contains("did you mean \"default_time_zone\"");
    assertThat(file.problems().get(1).message()).contains("inside a [[job]] table");
  }

  @Test
  void anInvalidDefaultZoneRejectsOnlyTheJobsThatWouldUseIt() {
    String withOwnZone =
        VALID_JOB.replace("nightly-report", "own-zone")
            .replace("mission = \"ops\"", "mission = \"ops\"\ntime_zone = \"UTC\"");
    JobFile file = loader.parse("default_time_zone = \"Mars/Olympus\"\n" + VALID_JOB + withOwnZone, "cron.toml");

    assertThat(file.jobs()).extracting(JobDefinition::name).containsExactly("own-zone");
    assertThat(file.problems())
        .extracting(JobProblem::jobIndex, JobProblem::field)
        .containsExactly(tuple(null, "default_time_zone"), tuple(1, "time_zone"));
  }

  @Test
  void singleBracketJobTableIsExplained() {
    JobFile file = loader.parse("[job]\nname = \"x\"\n", "cron.toml");

    assertThat(file.problems()).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("job");
      assertThat(p.message()).contains("[[job]]");
    });
  }

  @Test
  void aMissingFileIsAProblemNotAnException() {
    JobFile file = loader.load(dir.resolve("absent.toml"));

    assertThat(file.readable()).isFalse();
    assertThat(file.problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("file not found"));
  }

  @Test
  void theTemplateInputCannotBeChangedFromOutside() {
    TaskRequest task =
        loader.parse(VALID_JOB + "input = { command = \"echo hi\" }\n", "f").jobs().getFirst().task();

    ((ObjectNode) task.input()).put("command", "rm -rf /");

    assertThat(task.input().get("command").stringValue()).isEqualTo("echo hi");
  }

  @Test
  void problemReportListsOneProblemPerLine() {
    JobFile file = loader.parse(VALID_JOB.replace("mission = \"ops\"", "").replace("30 6", "99 6"), "cron.toml");

    assertThat(file.problemReport().lines().toList())
        .hasSize(2)
        .allSatisfy(line -> assertThat(line).startsWith("cron.toml: job #1 \"nightly-report\": "));
    assertThat(file.clean()).isFalse();
  }
}
