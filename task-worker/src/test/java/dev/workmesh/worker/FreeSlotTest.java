package dev.workmesh.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.MeshTestEnv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker with a free slot gets a ready task within its pull interval, whoever else is busy. */
@MeshIntegrationTest
class FreeSlotTest {

  static final MeshTestEnv ENV = MeshTestEnv.forClass(FreeSlotTest.class);
  static MeshApiServer api;

  @TempDir Path dir;
  final TestWorkers workers = new TestWorkers(ENV);

  @BeforeAll
  static void startApi() {
    api = MeshApiServer.start(ENV, Map.of());
  }

  @AfterAll
  static void stopApi() {
    api.close();
  }

  @AfterEach
  void stopWorkers() {
    workers.close();
  }

  TaskView submit(String pool, String command) {
    MissionView mission = api.operator().createMission("m-" + UUID.randomUUID(), "free slots");
    return api.operator().submit(mission.id(), new TaskRequest("t", "", null, null, pool, null, null, "bash",
        MeshClient.JSON.readTree("{\"command\": " + MeshClient.JSON.writeValueAsString(command) + "}"), null, null,
        null, null, null, null)).task();
  }

  @Test
  void anIdleWorkersOnlySlotIsFreeForItsPullWhileAnotherWorkerIsFull() {
    String pool = "slots-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> fullKeys = workers.settings(api.url(), "full", pool, dir.resolve("full"));
    fullKeys.put("max-concurrent-subagents", "1");
    fullKeys.put("idle-pull-interval", "1s");
    TaskWorker full = workers.start(fullKeys);
    TaskView long_ = submit(pool, "sleep 300");
    await().atMost(TestWorkers.patience()).until(() -> full.runningAttempts() == 1);

    // The idle worker's Kafka records never come (its topics are others'): only its pull can find work,
    // and its share consumer polls all the time with one slot that must stay free for that pull.
    Map<String, Object> idleKeys = workers.settings(api.url(), "idle", pool, dir.resolve("idle"));
    idleKeys.put("max-concurrent-subagents", "1");
    idleKeys.put("idle-pull-interval", "2s");
    idleKeys.put("topic-prefix", "elsewhere-" + UUID.randomUUID());
    TaskWorker idle = workers.start(idleKeys);

    long submitted = System.nanoTime();
    TaskView quick = submit(pool, "echo quick");
    TaskView done = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> api.operator().task(quick.id()), t -> t.status().equals("succeeded"));
    Duration took = Duration.ofNanos(System.nanoTime() - submitted);

    assertThat(done.attempts()).singleElement()
        .satisfies(a -> assertThat(a.agentId()).isEqualTo(idle.identity().orElseThrow().agentId()));
    assertThat(took).as("within the idle worker's 2s pull interval, plus the run").isLessThan(Duration.ofSeconds(6));
    assertThat(api.operator().task(long_.id()).attempts()).singleElement()
        .satisfies(a -> assertThat(a.agentId()).isEqualTo(full.identity().orElseThrow().agentId()));
    api.operator().cancel(long_.id());
  }
}
