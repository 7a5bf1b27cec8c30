package dev.workmesh.devstack.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.testsupport.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The control plane as it is deployed for availability: two replicas each of mesh-api (behind a load
 * balancer that skips a replica that refuses connections), scheduler-service and watchdog-service, and
 * every one of the six restarted, one after another, while tasks are submitted and run and a 3-second
 * interval job fires. Work completes exactly once: one task per submission, one succeeded attempt per task,
 * one fire (and one task) per job instant.
 */
@ExtendWith(FaultSummaryExtension.class)
class ControlPlaneRestartTest {

  static final int TASKS = 400;

  @TempDir Path dir;
  FaultStack stack;
  TcpProxy balancer;

  @AfterEach
  void stop() throws Exception {
    if (balancer != null) {
      balancer.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void workCompletesExactlyOnceWhileEveryControlPlaneReplicaIsRestarted() throws Exception {
    FaultLedger.Scenario scenario = FaultLedger.global().scenario("control plane: 2 replicas each, all restarted");
    stack = FaultStack.start(dir, scenario);
    FaultStack.writeFile(dir.resolve("cron.toml"), """
        [[job]]
        name = "tick"
        interval = "3s"
        mission = "cp-cron"
        [job.task]
        title = "cron tick"
        pool = "cp"
        runtime = "exec"
        input = { argv = ["/bin/true"] }
        """);
    FaultStack.Service apiA = stack.startApi("mesh-api-a", Map.of());
    FaultStack.Service apiB = stack.startApi("mesh-api-b", Map.of());
    balancer = TcpProxy.balancing(apiA.port(), apiB.port());
    List<FaultStack.Service> replicas = List.of(apiA, apiB,
        stack.startScheduler("scheduler-a", Map.of()), stack.startScheduler("scheduler-b", Map.of()),
        stack.startWatchdog("watchdog-a", Map.of()), stack.startWatchdog("watchdog-b", Map.of()));
    for (int i = 0; i < 4; i++) {
      stack.startWorker(balancer.url(), "cp-" + i, "cp", 4);
    }
    MeshClient mesh = FaultStack.operator(balancer.url());
    MeshDatabase db = stack.database();
    MissionView mission = mesh.createMission("control-plane-restarts", "tasks through six restarts");
    JsonNode input = MeshClient.JSON.readTree("{\"argv\": [\"/bin/sleep\", \"0.2\"]}");
    Submitter submitter = new Submitter(() -> mesh, mission.id(),
        key -> new TaskRequest("sleep " + key, "", null, null, "cp", null, null, "exec", input, null, "1m", null, null,
            null, null)).start("cp", TASKS, Duration.ofMillis(60));

    // Restart each replica in turn, each once the mesh has made progress since the previous restart.
    for (FaultStack.Service replica : replicas) {
      long progress = succeeded(db, mission.id());
      await("progress before restarting " + replica.name).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
          .until(() -> succeeded(db, mission.id()) >= Math.min(TASKS, progress + 25));
      replica.restart();
      await(replica.name + " is healthy again").atMost(Duration.ofSeconds(60))
          .until(() -> FaultStack.health(replica.url()) == 200);
    }

    submitter.join(Duration.ofMinutes(2));
    int retried = submitter.retryUnacknowledged(Duration.ofMinutes(1));
    assertThat(submitter.acknowledged()).hasSize(TASKS);
    await("every task ends").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
        .until(() -> db.openTasks(mission.id()) == 0);

    MeshDatabase.Verdict verdict = db.exactlyOnce(mission.id(), submitter.acknowledged());
    scenario.figure("submissions retried with the same key / of which replays", retried + " / " + submitter.replays());
    scenario.figure("attempts by outcome", verdict.attempts());

    // The interval job: one fire per instant, each fire one task, each task run once.
    UUID cronMission = UUID.fromString(db.text("SELECT id::text FROM mission WHERE name = 'cp-cron'"));
    await("the job's tasks end").atMost(Duration.ofMinutes(1)).until(() -> db.openTasks(cronMission) == 0);
    long fires = db.count("SELECT count(*) FROM schedule_fire WHERE job_name = 'tick' AND trigger = 'schedule'");
    long fireErrors = db.count("SELECT count(*) FROM schedule_fire WHERE job_name = 'tick' AND error IS NOT NULL");
    long firesByReplica = db.count("SELECT count(DISTINCT fired_by) FROM schedule_fire WHERE job_name = 'tick'");
    long missedInstants = db.count("""
        SELECT coalesce(sum(gap), 0) FROM (SELECT (extract(epoch FROM scheduled_at - lag(scheduled_at)
          OVER (ORDER BY scheduled_at)) / 3)::bigint - 1 AS gap FROM schedule_fire WHERE job_name = 'tick') g
          WHERE gap > 0""");
    MeshDatabase.Verdict cron = db.exactlyOnce(cronMission, null);
    scenario.figure("interval job: fires / by replicas / errors / missed instants",
        fires + " / " + firesByReplica + " / " + fireErrors + " / " + missedInstants);
    scenario.figure("replica restarts", replicas.size());

    long tasks = verdict.tasks() + cron.tasks();
    scenario.verdict(tasks, verdict.lost() + (cron.tasks() - cron.succeededOnce()),
        verdict.duplicated() + cron.duplicated() + (cron.tasks() - fires + fireErrors));

    assertThat(verdict.tasks()).isEqualTo(TASKS);
    assertThat(verdict.lost()).as("lost; some: %s", verdict.someMissing()).isZero();
    assertThat(verdict.duplicated()).isZero();
    assertThat(verdict.succeededOnce()).isEqualTo(TASKS);
    assertThat(fires).as("the job fired during the run").isGreaterThan(5);
    assertThat(fireErrors).isZero();
    assertThat(cron.tasks()).as("one task per fire").isEqualTo(fires);
    assertThat(cron.succeededOnce()).isEqualTo(cron.tasks());
    assertThat(cron.duplicated()).isZero();
    await("the outbox drains").atMost(Duration.ofMinutes(1)).until(() -> db.unpublishedOutbox() == 0);
  }

  static long succeeded(MeshDatabase db, UUID mission) {
    return db.count("SELECT count(*) FROM task WHERE mission_id = ? AND status = 'succeeded'", mission);
  }
}
