package dev.workmesh.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.MeshTestEnv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker given two mesh-api replicas keeps working, leases included, when the one it uses stops. */
@MeshIntegrationTest
class ApiFailoverTest {

  static final MeshTestEnv ENV = MeshTestEnv.forClass(ApiFailoverTest.class);
  static final Map<String, String> API_SETTINGS = Map.of("mesh-api.lease", "4s");

  @TempDir Path dir;
  final TestWorkers workers = new TestWorkers(ENV);
  MeshApiServer first;
  MeshApiServer second;

  @AfterEach
  void stop() {
    workers.close();
    if (first != null) {
      first.close();
    }
    if (second != null) {
      second.close();
    }
  }

  TaskView submit(MeshApiServer api, String pool, String command) {
    MissionView mission = api.operator().createMission("m-" + UUID.randomUUID(), "failover");
    return api.operator().submit(mission.id(), TestWorkers.bashTask("t", pool, command)).task();
  }

  TaskView awaitEnd(MeshApiServer api, UUID id) {
    return await().atMost(TestWorkers.patience()).pollInterval(Duration.ofMillis(200)).until(() -> {
      api.core().rescuer().runOnce(10); // the watchdog's rescue: a lease not renewed for 4s ends the attempt lost
      return api.operator().task(id);
    }, t -> Set.of("succeeded", "failed", "cancelled", "ready", "pending").contains(t.status()));
  }

  @Test
  void aWorkerFailsOverToTheOtherReplicaAndItsRunningAttemptKeepsItsLease() {
    first = MeshApiServer.start(ENV, API_SETTINGS);
    second = MeshApiServer.start(ENV, API_SETTINGS);
    String pool = "failover-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> keys = workers.settings(first.url() + "," + second.url(), "two-replicas", pool, dir.resolve("w"));
    keys.put("idle-pull-interval", "1s");
    TaskWorker worker = workers.start(keys);

    // Runs longer than two leases; the replica it started on stops a second in.
    TaskView running = submit(second, pool, "sleep 9; echo survived");
    await().atMost(TestWorkers.patience()).until(() -> second.operator().task(running.id()).status().equals("running"));
    first.close();
    first = null;

    TaskView done = awaitEnd(second, running.id());
    assertThat(done.status()).isEqualTo("succeeded");
    assertThat(done.attempts()).singleElement().satisfies(a -> assertThat(a.outcome()).isEqualTo("succeeded"));
    assertThat(done.result().asString()).isEqualTo("survived\n");

    // New work is claimed through the replica left, too.
    TaskView later = submit(second, pool, "echo later");
    assertThat(awaitEnd(second, later.id()).status()).isEqualTo("succeeded");
    assertThat(worker.metrics().reportCount("complete", "delivered")).isEqualTo(2);
    assertThat(worker.metrics().reportCount("complete", "spooled")).isZero();
  }
}
