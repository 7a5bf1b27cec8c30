package dev.workmesh.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.MeshTestEnv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With no more workers than partitions, Kafka's share-group assignor gives each partition to one worker, so
 * the records in the partitions of a full worker wait for it alone. mesh-api names the pool of such stranded
 * tasks to the workers waiting on {@code GET /work/pools/stranded}, and an idle one pulls them at once, not at
 * its next idle pull (ten minutes away here).
 */
@MeshIntegrationTest
class StrandedTaskTest {

  static final MeshTestEnv ENV = MeshTestEnv.forClass(StrandedTaskTest.class);
  static MeshApiServer api;

  @TempDir Path dir;
  final TestWorkers workers = new TestWorkers(ENV);

  @BeforeAll
  static void startApi() {
    api = MeshApiServer.start(ENV, Map.of("mesh-api.kafka.partitions", "2"));
  }

  @AfterAll
  static void stopApi() {
    api.close();
  }

  @AfterEach
  void stopWorkers() {
    workers.close();
  }

  TaskView submit(MissionView mission, String pool, String command) {
    return api.operator().submit(mission.id(), TestWorkers.bashTask("t", pool, command)).task();
  }

  @Test
  void tasksLeftInAFullWorkersPartitionRunOnTheIdleWorkerWithinSeconds() {
    String pool = "stranded-" + UUID.randomUUID().toString().substring(0, 8);
    MissionView mission = api.operator().createMission("m-" + UUID.randomUUID(), "stranded tasks");
    List<TaskWorker> both = new ArrayList<>();
    for (String name : List.of("one", "two")) {
      Map<String, Object> keys = workers.settings(api.url(), name, pool, dir.resolve(name));
      keys.put("max-concurrent-subagents", "1");
      keys.put("idle-pull-interval", "10m");
      both.add(workers.start(keys));
    }
    TaskView long_ = submit(mission, pool, "sleep 300");
    await().atMost(TestWorkers.patience())
        .until(() -> both.get(0).runningAttempts() + both.get(1).runningAttempts() == 1);
    TaskWorker full = both.get(0).runningAttempts() == 1 ? both.get(0) : both.get(1);
    TaskWorker idle = full == both.get(0) ? both.get(1) : both.get(0);

    // Eight tasks over two partitions: those keyed to the full worker's partition wait for it alone.
    long submitted = System.nanoTime();
    List<UUID> quick = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      quick.add(submit(mission, pool, "echo quick").id());
    }
    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
        .until(() -> quick.stream().allMatch(id -> api.operator().task(id).status().equals("succeeded")));
    Duration took = Duration.ofNanos(System.nanoTime() - submitted);

    UUID idleAgent = idle.identity().orElseThrow().agentId();
    for (UUID id : quick) {
      assertThat(api.operator().task(id).attempts()).singleElement()
          .satisfies(a -> assertThat(a.agentId()).as("ran on the idle worker").isEqualTo(idleAgent));
    }
    assertThat(took).as("stranded after 2s, then pulled; the idle pull is ten minutes away")
        .isLessThan(Duration.ofSeconds(25));
    assertThat(full.runningAttempts()).isEqualTo(1);
    api.operator().cancel(long_.id());
  }
}
