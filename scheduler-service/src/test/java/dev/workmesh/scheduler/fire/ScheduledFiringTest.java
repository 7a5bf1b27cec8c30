package dev.workmesh.scheduler.fire;

import static dev.workmesh.scheduler.SchedulerHarness.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.core.outbox.MeshTopics;
import dev.workmesh.core.task.MeshTask;
import dev.workmesh.core.task.TaskStatus;
import dev.workmesh.scheduler.SchedulerHarness;
import dev.workmesh.scheduler.SchedulerHarness.Replica;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job's schedule turns into tasks: one fire record and one task per scheduled instant. */
@MeshIntegrationTest
class ScheduledFiringTest {

  /** A Monday, one minute before the 06:30 jobs below. */
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

  private void at(String isoInstant) {
    mesh.clock.set(Instant.parse(isoInstant));
  }

  @Test
  void aCronJobSubmitsItsTaskOnceAtEachScheduledInstant() {
    mesh.writeJobs("""
        [[job]]
        name = "daily-report"
        schedule = "30 6 * * *"
        mission = "reports"
        [job.task]
        title = "Daily report"
        description = "Write the daily report"
        pool = "reports"
        priority = 5
        runtime = "bash"
        input = { command = "make report" }
        """);
    Replica replica = mesh.replica("replica-a");

    assertThat(replica.ticker.tick()).as("06:29: nothing is due").isZero();
    at("2030-01-07T06:30:00.400Z");
    assertThat(replica.ticker.tick()).isEqualTo(1);
    assertThat(replica.ticker.tick()).as("the same instant never fires twice").isZero();

    FireRecord fire = mesh.fires("daily-report").getFirst();
    assertThat(fire.scheduledAt()).isEqualTo(Instant.parse("2030-01-07T06:30:00Z"));
    assertThat(fire.firedAt()).isEqualTo(Instant.parse("2030-01-07T06:30:00.400Z"));
    assertThat(fire.firedBy()).isEqualTo("replica-a");
    assertThat(fire.trigger()).isEqualTo(FireTrigger.SCHEDULE);
    assertThat(fire.error()).isNull();

    MeshTask task = mesh.core.tasks().get(fire.taskId());
    assertThat(mesh.core.missions().get(task.missionId()).name()).isEqualTo("reports");
    assertThat(task.title()).isEqualTo("Daily report");
    assertThat(task.description()).isEqualTo("Write the daily report");
    assertThat(task.pool()).isEqualTo("reports");
    assertThat(task.priority()).isEqualTo(5);
    assertThat(task.input().get("command").stringValue()).isEqualTo("make report");
    assertThat(task.status()).isEqualTo(TaskStatus.READY);
    assertThat(task.submittedBy()).isEqualTo("scheduler:daily-report");
    assertThat(task.idempotencyKey()).isEqualTo("schedule:daily-report:2030-01-07T06:30:00Z");
    assertThat(dispatchRecords(task.id())).as("the task flows through the outbox like any other").isEqualTo(1);

    at("2030-01-08T06:30:00.100Z");
    assertThat(replica.ticker.tick()).isEqualTo(1);
    assertThat(mesh.fires("daily-report")).extracting(FireRecord::scheduledAt)
        .containsExactly(Instant.parse("2030-01-07T06:30:00Z"), Instant.parse("2030-01-08T06:30:00Z"));
    assertThat(mesh.tasksOf("daily-report")).isEqualTo(2);
  }

  @Test
  void anIntervalJobFiresOnEveryStepOfItsGrid() {
    mesh.writeJobs(job("every-10m", "interval = \"10m\"", ""));
    Replica replica = mesh.replica("replica-a");

    for (String now : List.of("2030-01-07T06:30:00.2Z", "2030-01-07T06:35:00Z", "2030-01-07T06:40:00.9Z",
        "2030-01-07T06:50:30Z")) {
      at(now);
      replica.ticker.tick();
    }

    assertThat(mesh.fires("every-10m")).extracting(FireRecord::scheduledAt).containsExactly(
        Instant.parse("2030-01-07T06:30:00Z"), Instant.parse("2030-01-07T06:40:00Z"),
        Instant.parse("2030-01-07T06:50:00Z"));
    assertThat(mesh.tasksOf("every-10m")).isEqualTo(3);
  }

  @Test
  void aRestartedSchedulerNeverFiresAnInstantAgainAndFiresOnceForItsDowntime() {
    mesh.writeJobs(job("hourly-restart", "schedule = \"0 * * * *\"", "misfire = \"fire_once\""));
    Replica beforeRestart = mesh.replica("before-restart");
    at("2030-01-07T07:00:00.300Z");
    assertThat(beforeRestart.ticker.tick()).isEqualTo(1);

    assertThat(mesh.replica("after-restart").ticker.tick()).as("same instant, new process").isZero();

    at("2030-01-07T10:20:00Z"); // down from 07:00 to 10:20: 08:00, 09:00 and 10:00 were missed
    assertThat(mesh.replica("after-downtime").ticker.tick()).isEqualTo(1);
    assertThat(mesh.replica("restarted-again").ticker.tick()).isZero();

    assertThat(mesh.fires("hourly-restart")).extracting(FireRecord::scheduledAt).containsExactly(
        Instant.parse("2030-01-07T07:00:00Z"), Instant.parse("2030-01-07T10:00:00Z"));
    assertThat(mesh.tasksOf("hourly-restart")).isEqualTo(2);
  }

  @Test
  void skipFiresOnlyInstantsWithinTheGraceAndDropsOlderOnes() {
    mesh.writeJobs(job("every-5m-skip", "schedule = \"*/5 * * * *\"", ""));
    Replica replica = mesh.replica("replica-a");

    at("2030-01-07T06:36:30Z"); // 06:30 and 06:35 passed; 06:35 is 90 s old, beyond the 1 m grace
    assertThat(replica.ticker.tick()).isZero();
    at("2030-01-07T06:40:59Z"); // 59 s late: within the grace
    assertThat(replica.ticker.tick()).isEqualTo(1);

    assertThat(mesh.fires("every-5m-skip")).extracting(FireRecord::scheduledAt)
        .containsExactly(Instant.parse("2030-01-07T06:40:00Z"));
    assertThat(mesh.meters.counter("scheduler.fires.missed", "job", "every-5m-skip").count()).isEqualTo(1);
  }

  @Test
  void fireOnceCollapsesEveryMissedInstantIntoOneFire() {
    mesh.writeJobs(job("every-5m-once", "schedule = \"*/5 * * * *\"", "misfire = \"fire_once\""));
    Replica replica = mesh.replica("replica-a");

    at("2030-01-07T06:52:00Z"); // 06:30 to 06:50 missed: five instants
    assertThat(replica.ticker.tick()).isEqualTo(1);
    assertThat(replica.ticker.tick()).isZero();

    assertThat(mesh.fires("every-5m-once")).extracting(FireRecord::scheduledAt)
        .containsExactly(Instant.parse("2030-01-07T06:50:00Z"));
  }

  @Test
  void aNeverFiredJobIsPlannedFromItsRegistrationNotFromTheEpoch() {
    at("2030-01-07T06:29:30Z");
    mesh.writeJobs(job("new-job", "schedule = \"0 * * * *\"", "misfire = \"fire_once\""));
    Replica replica = mesh.replica("replica-a");

    assertThat(replica.ticker.tick()).as("06:00 came before the job existed").isZero();
    assertThat(mesh.states.state("new-job").orElseThrow().registeredAt())
        .isEqualTo(Instant.parse("2030-01-07T06:29:30Z"));
  }

  @Test
  void aPausedJobDoesNotFireAndResumingFiresNoBacklog() {
    mesh.writeJobs(job("hourly-paused", "schedule = \"0 * * * *\"", "misfire = \"fire_once\""));
    Replica replica = mesh.replica("replica-a");
    at("2030-01-07T07:00:00.100Z");
    assertThat(replica.ticker.tick()).isEqualTo(1);

    at("2030-01-07T07:10:00Z");
    assertThat(mesh.states.setPaused("hourly-paused", true).paused()).isTrue();
    at("2030-01-07T09:30:00Z");
    assertThat(replica.ticker.tick()).as("paused through 08:00 and 09:00").isZero();

    assertThat(mesh.states.setPaused("hourly-paused", false).paused()).isFalse();
    assertThat(replica.ticker.tick()).as("instants of the pause are not misfires, even under fire_once").isZero();

    at("2030-01-07T10:00:00.200Z");
    assertThat(replica.ticker.tick()).isEqualTo(1);
    assertThat(mesh.fires("hourly-paused")).extracting(FireRecord::scheduledAt).containsExactly(
        Instant.parse("2030-01-07T07:00:00Z"), Instant.parse("2030-01-07T10:00:00Z"));
  }

  @Test
  void enablingADisabledJobFiresNoInstantThatPassedWhileItWasDisabled() {
    mesh.writeJobs(job("hourly-toggled", "schedule = \"0 * * * *\"", "misfire = \"fire_once\""));
    Replica replica = mesh.replica("replica-a");
    at("2030-01-07T07:00:00.100Z");
    assertThat(replica.ticker.tick()).isEqualTo(1);

    at("2030-01-07T07:10:00Z");
    mesh.writeJobs(job("hourly-toggled", "schedule = \"0 * * * *\"", "misfire = \"fire_once\"\nenabled = false"));
    replica.registry.reload();
    at("2030-01-07T09:30:00Z");
    assertThat(replica.ticker.tick()).as("disabled through 08:00 and 09:00").isZero();

    mesh.writeJobs(job("hourly-toggled", "schedule = \"0 * * * *\"", "misfire = \"fire_once\""));
    replica.registry.reload();
    Replica late = mesh.replica("replica-b");
    assertThat(replica.ticker.tick() + late.ticker.tick())
        .as("instants passed while disabled are not misfires, even under fire_once, on any replica").isZero();

    at("2030-01-07T10:00:00.200Z");
    assertThat(replica.ticker.tick() + late.ticker.tick()).isEqualTo(1);
    assertThat(mesh.fires("hourly-toggled")).extracting(FireRecord::scheduledAt).containsExactly(
        Instant.parse("2030-01-07T07:00:00Z"), Instant.parse("2030-01-07T10:00:00Z"));
  }

  @Test
  void aManualTriggerFiresNowWithoutTakingTheScheduledInstant() {
    mesh.writeJobs(job("hourly-manual", "schedule = \"0 * * * *\"", ""));
    Replica replica = mesh.replica("replica-a");
    at("2030-01-07T08:00:00Z"); // exactly a scheduled instant

    FireResult manual = replica.firer.fireNow(replica.job("hourly-manual"));
    FireResult again = replica.firer.fireNow(replica.job("hourly-manual")); // same microsecond
    assertThat(replica.ticker.tick()).as("the scheduled fire still happens").isEqualTo(1);

    assertThat(manual.outcome()).isEqualTo(FireOutcome.SUBMITTED);
    assertThat(manual.trigger()).isEqualTo(FireTrigger.MANUAL);
    assertThat(manual.scheduledAt()).isEqualTo(Instant.parse("2030-01-07T08:00:00.000001Z"));
    assertThat(again.scheduledAt()).isEqualTo(Instant.parse("2030-01-07T08:00:00.000002Z"));
    assertThat(mesh.fires("hourly-manual")).extracting(FireRecord::trigger)
        .containsExactly(FireTrigger.SCHEDULE, FireTrigger.MANUAL, FireTrigger.MANUAL);
    assertThat(mesh.tasksOf("hourly-manual")).isEqualTo(3);

    at("2030-01-07T08:30:00Z");
    replica.firer.fireNow(replica.job("hourly-manual"));
    at("2030-01-07T09:00:00.5Z");
    assertThat(replica.ticker.tick()).as("a manual fire does not move the schedule").isEqualTo(1);
  }

  @Test
  void aRejectedTaskIsRecordedWithItsErrorOnceAndOtherJobsStillFire() {
    String unknownAgent = UUID.randomUUID().toString();
    mesh.writeJobs(job("for-a-ghost", "schedule = \"30 6 * * *\"", "")
        .replace("title = \"Run for-a-ghost\"",
            "title = \"Run for-a-ghost\"\nclaim_policy = \"assigned\"\nassigned_agent = \"" + unknownAgent + "\"")
        + job("healthy", "schedule = \"30 6 * * *\"", ""));
    Replica replica = mesh.replica("replica-a");

    at("2030-01-07T06:30:01Z");
    assertThat(replica.ticker.tick()).isEqualTo(2);
    assertThat(replica.ticker.tick()).as("a rejected fire is a fire: not retried").isZero();

    FireRecord rejected = mesh.fires("for-a-ghost").getFirst();
    assertThat(rejected.taskId()).isNull();
    assertThat(rejected.error()).contains("assigned_agent").contains(unknownAgent).contains("not enrolled");
    assertThat(mesh.fires("healthy").getFirst().taskId()).isNotNull();
    assertThat(mesh.meters.counter("scheduler.fires", "job", "for-a-ghost", "trigger", "schedule", "outcome",
        "rejected").count()).isEqualTo(1);
    assertThat(mesh.meters.counter("scheduler.fires", "job", "healthy", "trigger", "schedule", "outcome",
        "submitted").count()).isEqualTo(1);
  }

  @Test
  void historyListsFiresNewestFirst() {
    mesh.writeJobs(job("history", "interval = \"1m\"", ""));
    Replica replica = mesh.replica("replica-a");
    for (int minute = 30; minute <= 33; minute++) {
      at("2030-01-07T06:" + minute + ":00.5Z");
      replica.ticker.tick();
    }

    assertThat(mesh.ledger.history("history", 2)).extracting(FireRecord::scheduledAt)
        .containsExactly(Instant.parse("2030-01-07T06:33:00Z"), Instant.parse("2030-01-07T06:32:00Z"));
    assertThat(mesh.ledger.history("history", 100)).hasSize(4);
  }

  @Test
  void outboxRecordsOfAFireCommitWithIt() {
    mesh.writeJobs(job("outboxed", "interval = \"1m\"", ""));
    Replica replica = mesh.replica("replica-a");
    at("2030-01-07T06:30:00.5Z");
    replica.ticker.tick();

    UUID taskId = mesh.fires("outboxed").getFirst().taskId();
    assertThat(dispatchRecords(taskId)).isEqualTo(1);
    assertThat(mesh.core.db().jdbc().sql("SELECT count(*) FROM outbox WHERE topic = :t AND message_key = :k")
        .param("t", MeshTopics.TASK_EVENTS).param("k", taskId.toString()).query(Long.class).single())
        .isEqualTo(1);
  }

  private long dispatchRecords(UUID taskId) {
    return mesh.core.db().jdbc().sql("SELECT count(*) FROM outbox WHERE topic = :t AND message_key = :k")
        .param("t", MeshTopics.TASKS_POOLED).param("k", taskId.toString()).query(Long.class).single();
  }
}
