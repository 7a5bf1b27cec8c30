package dev.workmesh.scheduler.registry;

import static dev.workmesh.scheduler.SchedulerHarness.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.scheduler.SchedulerHarness;
import dev.workmesh.scheduler.SchedulerHarness.Replica;
import dev.workmesh.scheduler.fire.FireRecord;
import dev.workmesh.scheduler.job.IntervalSchedule;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs change without a restart: the file is watched, and a bad file never takes running jobs away. */
@MeshIntegrationTest
class JobReloadTest {

  private static final Instant T0 = Instant.parse("2030-01-07T06:29:00Z");

  @TempDir Path dir;
  private SchedulerHarness mesh;

  @BeforeEach
  void start(TestDatabase database) {
    mesh = new SchedulerHarness(database, dir.resolve("cron.toml"), T0);
  }

  @AfterEach
  void stop() {
    mesh.close();
  }

  @Test
  void aWatchedFileAddsChangesAndRemovesJobsWithoutARestart() {
    mesh.writeJobs(job("w-alpha", "interval = \"10m\"", ""));
    Replica replica = mesh.replica("a");
    assertThat(replica.watcher.poll()).as("nothing changed since the load").isFalse();

    mesh.writeJobs(job("w-alpha", "interval = \"5m\"", "") + job("w-beta", "schedule = \"*/5 * * * *\"", ""));
    assertThat(pollAfterChange(replica)).isTrue();
    assertThat(replica.watcher.poll()).isFalse();
    assertThat(replica.job("w-alpha").schedule()).isEqualTo(IntervalSchedule.every(Duration.ofMinutes(5)));

    mesh.clock.set(Instant.parse("2030-01-07T06:35:00.5Z")); // on the new 5m grid, not on the old 10m one
    assertThat(replica.ticker.tick()).isEqualTo(2);

    mesh.writeJobs(job("w-beta", "schedule = \"*/5 * * * *\"", ""));
    assertThat(pollAfterChange(replica)).isTrue();
    mesh.clock.set(Instant.parse("2030-01-07T06:40:00.5Z"));
    assertThat(replica.ticker.tick()).as("only w-beta is left").isEqualTo(1);

    assertThat(mesh.fires("w-alpha")).extracting(FireRecord::scheduledAt)
        .containsExactly(Instant.parse("2030-01-07T06:35:00Z"));
    assertThat(mesh.fires("w-beta")).hasSize(2);
  }

  @Test
  void aReloadReportsWhatItAddedChangedAndRemoved() {
    mesh.writeJobs(job("r-keep", "interval = \"1h\"", "") + job("r-change", "interval = \"1h\"", "")
        + job("r-drop", "interval = \"1h\"", ""));
    Replica replica = mesh.replica("a");

    mesh.writeJobs(job("r-keep", "interval = \"1h\"", "") + job("r-change", "interval = \"2h\"", "")
        + job("r-new", "interval = \"1h\"", ""));
    ReloadReport report = replica.registry.reload();

    assertThat(report.applied()).isTrue();
    assertThat(report.jobs()).containsExactly("r-keep", "r-change", "r-new");
    assertThat(report.added()).containsExactly("r-new");
    assertThat(report.changed()).containsExactly("r-change");
    assertThat(report.removed()).containsExactly("r-drop");
    assertThat(report.kept()).isEmpty();
    assertThat(report.problems()).isEmpty();
  }

  @Test
  void aFileThatIsNotValidTomlKeepsEveryJob() {
    mesh.writeJobs(job("t-one", "interval = \"1h\"", ""));
    Replica replica = mesh.replica("a");

    mesh.writeJobs("[[job]\nname = ");
    ReloadReport report = replica.registry.reload();

    assertThat(report.applied()).isFalse();
    assertThat(report.jobs()).containsExactly("t-one");
    assertThat(report.problems()).singleElement().asString().contains("not valid TOML");
    assertThat(replica.registry.current().problems()).as("shown by GET /schedules").hasSize(1);
    assertThat(replica.watcher.poll()).as("the same bad file is not reloaded over and over").isFalse();
  }

  @Test
  void aJobWithANewProblemKeepsRunningItsPreviousDefinition() {
    mesh.writeJobs(job("p-typo", "schedule = \"0 6 * * *\"", "") + job("p-fine", "interval = \"1h\"", ""));
    Replica replica = mesh.replica("a");

    mesh.writeJobs(job("p-typo", "schedule = \"0 25 * * *\"", "") + job("p-fine", "interval = \"1h\"", "")
        + job("p-added", "interval = \"1h\"", ""));
    ReloadReport report = replica.registry.reload();

    assertThat(report.applied()).isTrue();
    assertThat(report.kept()).containsExactly("p-typo");
    assertThat(report.added()).containsExactly("p-added");
    assertThat(report.problems()).singleElement().asString().contains("p-typo").contains("schedule");
    assertThat(replica.job("p-typo").schedule().describe()).isEqualTo("cron \"0 6 * * *\" in UTC");
  }

  @Test
  void jobsMeshCoreWouldRefuseAreReportedAtLoadTime() {
    mesh.writeJobs(job("bad-mission", "interval = \"1h\"", "").replace("mission = \"ops-bad-mission\"",
            "mission = \"ops reports\"")
        + job("bad-pool", "interval = \"1h\"", "").replace("title = \"Run bad-pool\"",
            "title = \"Run bad-pool\"\npool = \"gpu pool\""));
    Replica replica = mesh.replica("a");

    assertThat(replica.registry.current().jobs()).isEmpty();
    assertThat(replica.registry.current().problems()).extracting(p -> p.describe())
        .anySatisfy(p -> assertThat(p).contains("bad-mission").contains("mission: mission names are"))
        .anySatisfy(p -> assertThat(p).contains("bad-pool").contains("task.pool"));
  }

  @Test
  void aMissingFileMeansNoJobsWithAWarning() throws Exception {
    Replica replica = mesh.replica("a"); // started before the file exists
    assertThat(replica.registry.current().jobs()).isEmpty();
    assertThat(replica.registry.current().problems()).singleElement().asString().contains("file not found");

    mesh.writeJobs(job("m-late", "interval = \"1h\"", ""));
    assertThat(pollAfterChange(replica)).isTrue();
    assertThat(replica.registry.current().names()).containsExactly("m-late");

    Files.delete(mesh.jobsFile);
    assertThat(pollAfterChange(replica)).isTrue();
    assertThat(replica.registry.current().jobs()).as("as after a restart without the file").isEmpty();
  }

  @Test
  void theFirstRegistrationOfAJobIsTheOneEveryReplicaPlansFrom() {
    mesh.writeJobs(job("first-seen", "interval = \"1h\"", ""));
    mesh.replica("a");
    mesh.clock.advance(Duration.ofMinutes(10));
    mesh.replica("b").registry.reload();

    JobState state = mesh.states.state("first-seen").orElseThrow();
    assertThat(state.registeredAt()).isEqualTo(T0);
    assertThat(state.activeSince()).isEqualTo(T0);
  }

  /** A change is applied on the poll after the one that first saw it. */
  private static boolean pollAfterChange(Replica replica) {
    assertThat(replica.watcher.poll()).as("the poll that first sees a change waits for the next").isFalse();
    return replica.watcher.poll();
  }

  @Test
  void aFileCaughtHalfWrittenIsNotApplied() throws Exception {
    mesh.writeJobs(job("h-one", "interval = \"1h\"", "") + job("h-two", "interval = \"1h\"", ""));
    Replica replica = mesh.replica("a");

    Files.writeString(mesh.jobsFile, ""); // truncated, the writer not done yet
    assertThat(replica.watcher.poll()).isFalse();
    mesh.writeJobs(job("h-one", "interval = \"1h\"", "") + job("h-two", "interval = \"2h\"", ""));
    assertThat(replica.watcher.poll()).as("the content moved on since the last poll").isFalse();
    assertThat(replica.registry.current().names()).as("never the empty file's none").containsExactly("h-one", "h-two");
    assertThat(replica.watcher.poll()).isTrue();
    assertThat(replica.job("h-two").schedule()).isEqualTo(IntervalSchedule.every(Duration.ofHours(2)));
  }
}
