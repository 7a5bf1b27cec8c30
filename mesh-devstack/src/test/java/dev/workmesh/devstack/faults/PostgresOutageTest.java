package dev.workmesh.devstack.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * PostgreSQL stops (a real {@code pg_ctl stop} of the cluster) in the middle of a run and starts again on
 * the same data directory and port. While it is down every control-plane service says so on
 * {@code /actuator/health} (503, DOWN); when it is back they recover by themselves, with no restart. A
 * submission that got a 2xx is never lost; submissions that failed are retried with the same idempotency
 * key and make no second task; every task ends with exactly one succeeded attempt.
 */
@ExtendWith(FaultSummaryExtension.class)
class PostgresOutageTest {

  static final int TASKS = 300;
  static final Duration OUTAGE = Duration.ofSeconds(8);

  @TempDir Path dir;
  FaultStack stack;

  @AfterEach
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void servicesReportTheOutageRecoverByThemselvesAndNoAcknowledgedSubmissionIsLostOrDoubled() throws Exception {
    FaultLedger.Scenario scenario = FaultLedger.global().scenario("PostgreSQL restart during a run");
    stack = FaultStack.start(dir, scenario);
    FaultStack.Service api = stack.startApi("mesh-api", Map.of());
    FaultStack.Service scheduler = stack.startScheduler("scheduler-service", Map.of());
    FaultStack.Service watchdog = stack.startWatchdog("watchdog-service", Map.of());
    List<FaultStack.Service> controlPlane = List.of(api, scheduler, watchdog);
    for (int i = 0; i < 2; i++) {
      stack.startWorker(api.url(), "pg-" + i, "pg", 4);
    }
    MeshClient mesh = FaultStack.operator(api.url());
    MeshDatabase db = stack.database();
    MissionView mission = mesh.createMission("pg-outage", "a run through a database restart");
    JsonNode input = MeshClient.JSON.readTree("{\"argv\": [\"/bin/sleep\", \"0.3\"]}");
    Submitter submitter = new Submitter(() -> mesh, mission.id(),
        key -> new TaskRequest("sleep " + key, "", null, null, "pg", null, null, "exec", input, null, "1m", null, null,
            null, null)).start("pg", TASKS, Duration.ofMillis(60));

    await().atMost(Duration.ofMinutes(2)).until(() -> submitter.acknowledged().size() >= TASKS / 3);
    for (FaultStack.Service s : controlPlane) {
      assertThat(FaultStack.health(s.url())).as("%s before the outage", s.name).isEqualTo(200);
    }

    stack.stopPostgres();
    long down = System.nanoTime();
    Map<String, Integer> healthWhileDown = new LinkedHashMap<>();
    for (FaultStack.Service s : controlPlane) {
      int status = await(s.name + " reports the database down").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200)).until(() -> FaultStack.health(s.url()), code -> code == 503);
      healthWhileDown.put(s.name, status);
      assertThat(FaultStack.healthBody(s.url())).as(s.name).contains("\"status\":\"DOWN\"");
    }
    long remaining = OUTAGE.toNanos() - (System.nanoTime() - down);
    if (remaining > 0) {
      Thread.sleep(Duration.ofNanos(remaining)); // holds the outage open for a measured time; nothing waits on it
    }
    long acknowledgedBeforeRestart = submitter.acknowledged().size();
    stack.startPostgres();
    scenario.figure("outage", Duration.ofNanos(System.nanoTime() - down).toMillis() + " ms");
    scenario.figure("health while PostgreSQL was down", healthWhileDown);

    long up = System.nanoTime();
    for (FaultStack.Service s : controlPlane) {
      await(s.name + " recovers by itself").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
          .until(() -> FaultStack.health(s.url()) == 200);
    }
    scenario.figure("health back to UP after PostgreSQL returned", Duration.ofNanos(System.nanoTime() - up).toMillis() + " ms");

    submitter.join(Duration.ofMinutes(2));
    long failedSubmissions = submitter.unacknowledged();
    int retried = submitter.retryUnacknowledged(Duration.ofMinutes(1));
    scenario.figure("submissions without a 2xx (retried with the same key)", retried);
    scenario.figure("of those, already committed (answered 200, replay)", submitter.replays());
    assertThat(submitter.acknowledged()).hasSize(TASKS);

    await("every task ends").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
        .until(() -> db.openTasks(mission.id()) == 0);
    MeshDatabase.Verdict verdict = db.exactlyOnce(mission.id(), submitter.acknowledged());
    scenario.figure("attempts by outcome", verdict.attempts());
    scenario.verdict(verdict.tasks(), verdict.lost(), verdict.duplicated());

    assertThat(failedSubmissions).as("some submissions met the outage").isPositive();
    assertThat(acknowledgedBeforeRestart).isLessThan(TASKS);
    assertThat(verdict.tasks()).isEqualTo(TASKS);
    assertThat(verdict.lost()).as("acknowledged submissions lost; some: %s", verdict.someMissing()).isZero();
    assertThat(verdict.duplicated()).isZero();
    assertThat(verdict.succeededOnce()).isEqualTo(TASKS);
    assertThat(verdict.liveAttemptsOfEndedTasks()).isZero();
    await("the outbox drains").atMost(Duration.ofMinutes(1)).until(() -> db.unpublishedOutbox() == 0);
  }
}
