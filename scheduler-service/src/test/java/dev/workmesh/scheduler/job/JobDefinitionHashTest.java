package dev.workmesh.scheduler.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobDefinitionHashTest {

  final JobFileLoader loader = new JobFileLoader();

  static final String JOB =
      """
      [[job]]
      name = "report"
      schedule = "30 6 * * 1-5"
      time_zone = "Europe/Paris"
      mission = "ops"
      [job.task]
      title = "Report"
      runtime = "bash"
      input = { command = "make report", env = { A = "1", B = "2" } }
      timeout = "1h30m"
      """;

  JobDefinition load(String toml) {
    JobFile file = loader.parse(toml, "cron.toml");
    assertThat(file.problems()).isEmpty();
    return file.jobs().getFirst();
  }

  @Test
  void theSameContentWrittenDifferentlyHasTheSameHashAndIsEqual() {
    JobDefinition original = load(JOB);
    JobDefinition rewritten =
        load(
            """
            # reordered, defaults written out, same durations in other spellings
            [[job]]
            mission = "ops"
            time_zone = "Europe/Paris"
            schedule = "30  6 * *   1-5"
            name = "report"
            enabled = true
            misfire = "skip"
            [job.task]
            timeout = "PT90M"
            input = { env = { B = "2", A = "1" }, command = "make report" }
            runtime = "bash"
            title = "Report"
            claim_policy = "first_claim"
            pool = "default"
            max_attempts = 3
            priority = 0
            required_capabilities = []
            """);

    assertThat(rewritten.contentHash()).isEqualTo(original.contentHash());
    assertThat(rewritten).isEqualTo(original).hasSameHashCodeAs(original);
  }

  @Test
  void theHashIsAStableFunctionOfTheCanonicalForm() {
    JobDefinition job = load(JOB);

    assertThat(job.canonicalForm())
        .isEqualTo(
            "job/v1 {\"enabled\":true,\"misfire\":\"skip\",\"mission\":\"ops\",\"name\":\"report\","
                + "\"schedule\":\"cron expression=30 6 * * 1-5 zone=Europe/Paris\",\"task\":{"
                + "\"assigned_agent\":null,\"claim_policy\":\"first_claim\",\"description\":null,"
                + "\"input\":{\"command\":\"make report\",\"env\":{\"A\":\"1\",\"B\":\"2\"}},\"max_attempts\":3,"
                + "\"pool\":\"default\",\"priority\":0,\"required_capabilities\":[],\"runtime\":\"bash\","
                + "\"timeout\":\"PT1H30M\",\"title\":\"Report\"},\"zone\":\"Europe/Paris\"}");
    assertThat(job.contentHash()).hasSize(64).isEqualTo(load(JOB).contentHash());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "schedule = \"30 6 * * 1-5\"|schedule = \"31 6 * * 1-5\"",
        "schedule = \"30 6 * * 1-5\"|interval = \"1d\"",
        "time_zone = \"Europe/Paris\"|time_zone = \"Europe/Berlin\"",
        "mission = \"ops\"|mission = \"ops\"\nenabled = false",
        "mission = \"ops\"|mission = \"ops\"\nmisfire = \"fire_once\"",
        "mission = \"ops\"|mission = \"dev\"",
        "title = \"Report\"|title = \"Report!\"",
        "title = \"Report\"|title = \"Report\"\npriority = 1",
        "A = \"1\"|A = \"2\"",
        "timeout = \"1h30m\"|timeout = \"1h31m\"",
      })
  void anyChangeOfMeaningChangesTheHash(String edit) {
    String[] parts = edit.split("\\|");

    JobDefinition changed = load(JOB.replace(parts[0], parts[1]));

    assertThat(changed.contentHash()).isNotEqualTo(load(JOB).contentHash());
    assertThat(changed).isNotEqualTo(load(JOB));
  }

  @Test
  void aReloadTellsAddedChangedRemovedAndUnchangedJobs() {
    String a = JOB.replace("\"report\"", "\"a\"");
    String b = JOB.replace("\"report\"", "\"b\"");
    String c = JOB.replace("\"report\"", "\"c\"");
    String d = JOB.replace("\"report\"", "\"d\"");
    List<JobDefinition> before = loader.parse(a + b + c, "cron.toml").jobs();
    List<JobDefinition> after = loader.parse(a.replace("Report", "Other") + c + d, "cron.toml").jobs();

    JobSetDiff diff = JobSetDiff.between(before, after);

    assertThat(diff.added()).extracting(JobDefinition::name).containsExactly("d");
    assertThat(diff.changed()).extracting(JobDefinition::name).containsExactly("a");
    assertThat(diff.changed().getFirst().task().title()).isEqualTo("Other");
    assertThat(diff.removed()).extracting(JobDefinition::name).containsExactly("b");
    assertThat(diff.unchanged()).extracting(JobDefinition::name).containsExactly("c");
    assertThat(JobSetDiff.between(after, loader.parse(a.replace("Report", "Other") + c + d, "x").jobs()).isEmpty())
        .isTrue();
  }
}
