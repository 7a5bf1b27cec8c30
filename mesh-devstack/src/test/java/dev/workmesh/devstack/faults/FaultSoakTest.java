package dev.workmesh.devstack.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.testsupport.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The long soak (not in the default build: {@code ./mvnw -pl mesh-devstack verify -Pfault-soak}, length
 * {@code -Dfault.soak.minutes=10}): the highly available deployment (two replicas of each control-plane
 * service behind a balancer, in-process workers and a child-JVM worker) under a steady stream of
 * submissions, and one fault after another, in turn: Kafka replaced, PostgreSQL restarted, each replica
 * restarted, the child worker killed with SIGKILL and started again. At the end every acknowledged
 * submission is one task that succeeded exactly once, and the outbox is empty.
 */
@Tag("fault-soak")
@ExtendWith(FaultSummaryExtension.class)
class FaultSoakTest {

  @TempDir Path dir;
  FaultStack stack;
  TcpProxy balancer;
  Process child;

  @AfterEach
  void stop() throws Exception {
    if (child != null) {
      child.descendants().forEach(ProcessHandle::destroyForcibly);
      child.destroyForcibly();
    }
    if (balancer != null) {
      balancer.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void theMeshLosesNothingAndDoesNothingTwiceUnderAStreamOfFaults() throws Exception {
    Duration length = Duration.ofMinutes(Long.getLong("fault.soak.minutes", 10));
    FaultLedger.Scenario scenario = FaultLedger.global().scenario("soak: " + length.toMinutes() + " min of faults");
    stack = FaultStack.start(dir, scenario);
    FaultStack.Service apiA = stack.startApi("mesh-api-a", Map.of());
    FaultStack.Service apiB = stack.startApi("mesh-api-b", Map.of());
    balancer = TcpProxy.balancing(apiA.port(), apiB.port());
    List<FaultStack.Service> replicas = List.of(apiA, apiB,
        stack.startScheduler("scheduler-a", Map.of()), stack.startScheduler("scheduler-b", Map.of()),
        stack.startWatchdog("watchdog-a", Map.of()), stack.startWatchdog("watchdog-b", Map.of()));
    for (int i = 0; i < 3; i++) {
      stack.startWorker(balancer.url(), "soak-" + i, "soak", 4);
    }
    Path childData = dir.resolve("child-worker");
    child = stack.startChildWorker(balancer.url(), "soak-child", "soak", 3, childData, dir.resolve("child.log"));

    MeshClient mesh = FaultStack.operator(balancer.url());
    MeshDatabase db = stack.database();
    MissionView mission = mesh.createMission("soak", "a stream of tasks through a stream of faults");
    JsonNode quick = MeshClient.JSON.readTree("{\"argv\": [\"/bin/true\"]}");
    JsonNode slow = MeshClient.JSON.readTree("{\"argv\": [\"/bin/sleep\", \"2\"]}");
    int total = (int) (length.toSeconds() * 8); // about 8 submissions a second
    Submitter submitter = new Submitter(() -> mesh, mission.id(), key -> new TaskRequest("soak " + key, "", null, null,
        "soak", null, null, "exec", key.hashCode() % 5 == 0 ? slow : quick, null, "1m", null, null, null, null))
        .start("soak", total, Duration.ofMillis(125));

    long end = System.nanoTime() + length.toNanos();
    List<Runnable> faults = new ArrayList<>();
    faults.add(() -> {
      stack.stopKafka();
      pause(Duration.ofSeconds(5));
      stack.startKafka();
      stack.recreateMeshTopics(3); // a broker restarting on its own log keeps them
    });
    faults.add(() -> {
      stack.stopPostgres();
      pause(Duration.ofSeconds(6));
      stack.startPostgres();
    });
    replicas.forEach(r -> faults.add(r::restart));
    faults.add(() -> {
      child.destroyForcibly();
      scenario.faultInjected("child worker killed with SIGKILL");
      try {
        child.waitFor(20, TimeUnit.SECONDS);
        child = stack.startChildWorker(balancer.url(), "soak-child", "soak", 3, childData, dir.resolve("child.log"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    int round = 0;
    while (System.nanoTime() < end) {
      pause(Duration.ofSeconds(15)); // the pace of faults, not a synchronisation
      faults.get(round++ % faults.size()).run();
    }
    submitter.stop();
    submitter.join(Duration.ofMinutes(2));
    int retried = submitter.retryUnacknowledged(Duration.ofMinutes(2));

    await("every task ends").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1))
        .until(() -> db.openTasks(mission.id()) == 0);
    await("the outbox drains").atMost(Duration.ofMinutes(2)).until(() -> db.unpublishedOutbox() == 0);
    MeshDatabase.Verdict verdict = db.exactlyOnce(mission.id(), submitter.acknowledged());
    scenario.figure("fault rounds", round);
    scenario.figure("submissions retried / replays", retried + " / " + submitter.replays());
    scenario.figure("attempts by outcome", verdict.attempts());
    scenario.verdict(verdict.tasks(), verdict.lost(), verdict.duplicated());

    assertThat(verdict.tasks()).isEqualTo(submitter.acknowledged().size());
    assertThat(verdict.lost()).as("lost; some: %s", verdict.someMissing()).isZero();
    assertThat(verdict.duplicated()).isZero();
    assertThat(verdict.succeededOnce()).isEqualTo(verdict.tasks());
  }

  static void pause(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
