package dev.workmesh.devstack.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.worker.TaskWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The broker loses the pools' share groups (it is replaced by a fresh one). The worker's share consumer,
 * whose member the broker no longer knows, is replaced by a new one, so records bring work again without
 * a restart of the worker and without waiting for its pulls.
 */
class ShareGroupLossTest {

  @TempDir Path dir;
  FaultStack stack;

  @AfterEach
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void poolShareConsumersClaimAgainAfterTheBrokerLostTheirShareGroup() throws Exception {
    stack = FaultStack.start(dir, FaultLedger.unlisted("share group lost by the broker"));
    // Records are the only way work arrives after the start-up pull: no idle pull for ten minutes, and no task
    // is ever stranded (mesh-api would otherwise tell the worker to pull the tasks its broken consumer misses).
    FaultStack.Service api = stack.startApi("mesh-api", Map.of("mesh-api.long-poll.stranded-after", "1h"));
    stack.startScheduler("scheduler-service", Map.of());
    stack.startWatchdog("watchdog-service", Map.of());
    Map<String, Object> settings = stack.workerSettings(api.url(), "records-only", "d2", 4);
    settings.put("idle-pull-interval", "10m");
    TaskWorker worker = stack.startWorker(settings);
    MeshClient mesh = FaultStack.operator(api.url());
    MeshDatabase db = stack.database();
    MissionView mission = mesh.createMission("d2", "");
    JsonNode input = MeshClient.JSON.readTree("{\"argv\": [\"/bin/true\"]}");
    submit(mesh, mission, "before", input);
    await("records bring work before the outage").atMost(Duration.ofSeconds(60)).until(() -> db.openTasks(mission.id()) == 0);

    stack.stopKafka();
    stack.startKafka();
    stack.recreateMeshTopics(3); // as a broker restarting on its log would have them
    double before = KafkaBrokerOutageTest.claims(List.of(worker), "pooled");
    submit(mesh, mission, "after", input);

    await("records bring work again after the broker lost the share group").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500)).until(() -> db.openTasks(mission.id()) == 0);
    assertThat(KafkaBrokerOutageTest.claims(List.of(worker), "pooled")).isGreaterThan(before);
  }

  static void submit(MeshClient mesh, MissionView mission, String prefix, JsonNode input) {
    mesh.submitAll(mission.id(), IntStream.range(0, 5).mapToObj(i -> new TaskRequest(prefix + i, "", null, null, "d2",
        null, null, "exec", input, null, null, null, null, null, prefix + "-" + UUID.randomUUID())).toList());
  }
}
