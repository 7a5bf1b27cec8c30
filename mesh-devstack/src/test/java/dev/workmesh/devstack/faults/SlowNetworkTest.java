package dev.workmesh.devstack.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.testsupport.TcpProxy;
import dev.workmesh.watchdog.rescue.LeaseRescueJob;
import dev.workmesh.worker.TaskWorker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A slow network between the workers and mesh-api: every byte waits 400 ms each way (an 800 ms round trip
 * against a 3 s claim lease and 1 s heartbeats). Tasks run longer than a lease, so each lives on renewals
 * made over the slow link. Leases renew, the watchdog rescues nothing (no attempt ends {@code lost}), agents
 * stay connected, and every task succeeds once.
 */
@ExtendWith(FaultSummaryExtension.class)
class SlowNetworkTest {

  static final int TASKS = 12;
  static final Duration ONE_WAY = Duration.ofMillis(400);

  @TempDir Path dir;
  FaultStack stack;
  TcpProxy slowLink;

  @AfterEach
  void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
    if (slowLink != null) {
      slowLink.close();
    }
  }

  @Test
  void leasesRenewOverASlowLinkWithNoFalseRescueAndEveryTaskSucceeds() throws Exception {
    FaultLedger.Scenario scenario = FaultLedger.global().scenario("slow network worker<->API (400 ms each way)");
    stack = FaultStack.start(dir, scenario);
    FaultStack.Service api = stack.startApi("mesh-api", Map.of());
    stack.startScheduler("scheduler-service", Map.of());
    FaultStack.Service watchdog = stack.startWatchdog("watchdog-service", Map.of());
    slowLink = TcpProxy.to(api.port(), ONE_WAY);
    scenario.faultInjected("every worker<->API byte delayed " + ONE_WAY.toMillis() + " ms each way");
    List<TaskWorker> workers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      workers.add(stack.startWorker(slowLink.url(), "far-" + i, "far", TASKS / 2));
    }
    MeshClient mesh = FaultStack.operator(api.url());
    MeshDatabase db = stack.database();
    MissionView mission = mesh.createMission("slow-network", "tasks that outlive their lease");
    // Each task runs 5 s, longer than the 3 s lease: it succeeds only if its lease was renewed over the slow link.
    JsonNode input = MeshClient.JSON.readTree("{\"argv\": [\"/bin/sleep\", \"5\"]}");
    List<String> keys = IntStream.range(0, TASKS).mapToObj(i -> "far-" + i).toList();
    mesh.submitAll(mission.id(), keys.stream().map(k -> new TaskRequest("sleep 5 " + k, "", null, null, "far", null,
        null, "exec", input, null, "1m", null, null, null, k)).toList());

    long start = System.nanoTime();
    await("every task ends").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
        .until(() -> db.openTasks(mission.id()) == 0);
    scenario.figure("run time", Duration.ofNanos(System.nanoTime() - start).toSeconds() + " s");

    MeshDatabase.Verdict verdict = db.exactlyOnce(mission.id(), keys);
    double rescues = rescues(watchdog.bean(MeterRegistry.class));
    long renewedPastTheFirstLease = db.count("""
        SELECT count(*) FROM attempt a JOIN task t ON t.id = a.task_id
          WHERE t.mission_id = ? AND a.outcome = 'succeeded' AND a.finished_at - a.claimed_at > interval '3 seconds'""",
        mission.id());
    long agentsNotConnected = db.count("SELECT count(*) FROM agent WHERE status <> 'connected'");
    scenario.figure("attempts by outcome", verdict.attempts());
    scenario.figure("watchdog rescues", (long) rescues);
    scenario.figure("attempts that lived past their first 3 s lease", renewedPastTheFirstLease);
    scenario.figure("connections through the slow link", slowLink.connectionsAccepted());
    scenario.verdict(verdict.tasks(), verdict.lost(), verdict.duplicated());

    assertThat(verdict.attempts()).as("no attempt ended lost: no false rescue").containsOnlyKeys("succeeded");
    assertThat(rescues).isZero();
    assertThat(agentsNotConnected).as("agents stayed connected over the slow link").isZero();
    assertThat(renewedPastTheFirstLease).as("every attempt outlived its first lease on renewals").isEqualTo(TASKS);
    assertThat(verdict.succeededOnce()).isEqualTo(TASKS);
    assertThat(verdict.lost()).isZero();
    assertThat(verdict.duplicated()).isZero();
    assertThat(slowLink.connectionsAccepted()).as("the workers went through the slow link").isPositive();
  }

  static double rescues(MeterRegistry registry) {
    return registry.find(LeaseRescueJob.RESCUES).counters().stream().mapToDouble(Counter::count).sum();
  }
}
