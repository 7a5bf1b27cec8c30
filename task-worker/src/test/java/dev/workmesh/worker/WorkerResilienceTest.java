package dev.workmesh.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.MeshTestEnv;
import dev.workmesh.testsupport.TcpProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What happens when things break: the API goes away mid-attempt, a worker is cut off until its claim
 * lapses, a worker is stopped with work in hand. mesh-api runs in-process with a 4s lease; the
 * watchdog's rescue and the scheduler's promotion of retried tasks are run by the test on the same
 * database.
 */
@MeshIntegrationTest
class WorkerResilienceTest {

  static final MeshTestEnv ENV = MeshTestEnv.forClass(WorkerResilienceTest.class);
  static final Map<String, String> API_SETTINGS = Map.of("mesh-api.lease", "4s");

  /** The API of the moment: the outage test replaces it with a new one on the same database. */
  static MeshApiServer api;

  @TempDir Path dir;
  TestWorkers workers = new TestWorkers(ENV);
  TcpProxy proxy;

  @BeforeAll
  static void startApi() {
    api = MeshApiServer.start(ENV, API_SETTINGS);
  }

  @AfterAll
  static void stopApi() {
    if (api != null) {
      api.close();
    }
  }

  @BeforeEach
  void startProxy() throws Exception {
    proxy = TcpProxy.to(api.port());
  }

  @AfterEach
  void stopWorkers() throws Exception {
    workers.close();
    proxy.close();
  }

  /** Worker settings for these tests: pulls every second, so no test waits on a share group's first assignment. */
  Map<String, Object> settings(String apiUrl, String name, String pool, Path dataDir) {
    Map<String, Object> keys = workers.settings(apiUrl, name, pool, dataDir);
    keys.put("idle-pull-interval", "1s");
    return keys;
  }

  static String pool() {
    return "p-" + UUID.randomUUID().toString().substring(0, 8);
  }

  TaskView submit(String pool, String title, String runtime, String inputJson) {
    MissionView mission = api.operator().createMission("m-" + UUID.randomUUID(), "resilience");
    return api.operator().submit(mission.id(), new TaskRequest(title, "", null, null, pool, null, null, runtime,
        MeshClient.JSON.readTree(inputJson), null, null, null, null, null, null)).task();
  }

  TaskView awaitTask(UUID id, java.util.function.Predicate<TaskView> condition) {
    return await().atMost(TestWorkers.patience()).pollInterval(Duration.ofMillis(200))
        .until(() -> api.operator().task(id), condition);
  }

  static boolean started(TaskView t) {
    return t.status().equals("running") && !t.attempts().isEmpty() && t.attempts().getLast().startedAt() != null;
  }

  static List<Path> spooled(Path dataDir) throws Exception {
    Path spool = dataDir.resolve("spool");
    if (!Files.isDirectory(spool)) {
      return List.of();
    }
    try (var files = Files.list(spool)) {
      return files.filter(f -> f.toString().endsWith(".json")).toList();
    }
  }

  @Test
  void aReportMadeDuringAnApiOutageIsSpooledAndLandsOnTheNextApi() throws Exception {
    String pool = pool();
    Path data = dir.resolve("w");
    TaskWorker worker = workers.start(settings(proxy.url(), "spooler", pool, data));
    TaskView task = submit(pool, "outlives the API", "bash", "{\"command\": \"sleep 2; echo made it\"}");
    awaitTask(task.id(), WorkerResilienceTest::started);

    proxy.cut();
    api.close();
    api = null;

    List<Path> files = await().atMost(TestWorkers.patience()).until(() -> spooled(data), f -> !f.isEmpty());
    assertThat(files).singleElement().satisfies(f ->
        assertThat(Files.getPosixFilePermissions(f)).isEqualTo(PosixFilePermissions.fromString("rw-------")));
    assertThat(Files.readString(files.getFirst())).contains("made it").contains(task.id().toString());

    api = MeshApiServer.start(ENV, API_SETTINGS);
    proxy.restore(api.port());

    TaskView done = awaitTask(task.id(), t -> Set.of("succeeded", "failed").contains(t.status()));
    assertThat(done.status()).isEqualTo("succeeded");
    assertThat(done.result().asString()).isEqualTo("made it\n");
    assertThat(done.attempts()).singleElement().satisfies(a -> assertThat(a.outcome()).isEqualTo("succeeded"));
    await().atMost(TestWorkers.patience()).until(() -> spooled(data).isEmpty());
    assertThat(worker.metrics().reportCount("complete", "spooled")).isEqualTo(1);
    assertThat(worker.metrics().reportCount("complete", "delivered")).isEqualTo(1);
  }

  @Test
  void aWorkerCutOffMidTaskLosesItsClaimAnotherFinishesTheTaskAndTheLateReportIsRejected() throws Exception {
    String pool = pool();
    Path cutOffData = dir.resolve("cut-off");
    TaskWorker cutOff = workers.start(settings(proxy.url(), "cut-off", pool, cutOffData));
    TaskView task = submit(pool, "survives its worker", "bash", "{\"command\": \"sleep 5; echo done by $MESH_ATTEMPT_ID\"}");
    awaitTask(task.id(), WorkerResilienceTest::started);

    proxy.cut(); // no more heartbeats: the 4s lease lapses
    await().atMost(TestWorkers.patience()).pollInterval(Duration.ofMillis(250)).until(() -> {
      api.core().rescuer().runOnce(10); // what the watchdog does
      return api.operator().task(task.id()).attempts().getFirst().outcome() != null;
    });
    assertThat(api.operator().task(task.id()).attempts().getFirst().outcome()).isEqualTo("lost");
    // The lost attempt is retried after a backoff: the scheduler promotes the task back to ready.
    await().atMost(TestWorkers.patience()).pollInterval(Duration.ofMillis(100)).until(() -> {
      api.core().maintenance().promoteDue(10);
      return api.operator().task(task.id()).status().equals("ready");
    });

    TaskWorker rescuer = workers.start(settings(api.url(), "rescuer", pool, dir.resolve("rescuer")));
    // The cut-off worker's subagent ends and its report cannot be delivered: spooled.
    await().atMost(TestWorkers.patience()).until(() -> spooled(cutOffData), f -> !f.isEmpty());
    proxy.restore(api.port());

    TaskView done = awaitTask(task.id(), t -> Set.of("succeeded", "failed").contains(t.status()));
    assertThat(done.status()).isEqualTo("succeeded");
    assertThat(done.attempts()).hasSize(2);
    assertThat(done.attempts().get(0).agentId()).isEqualTo(cutOff.identity().orElseThrow().agentId());
    assertThat(done.attempts().get(0).outcome()).isEqualTo("lost");
    assertThat(done.attempts().get(1).agentId()).isEqualTo(rescuer.identity().orElseThrow().agentId());
    assertThat(done.attempts().get(1).outcome()).isEqualTo("succeeded");
    assertThat(done.result().asString()).contains("done by " + done.attempts().get(1).id());

    // The late report reached the API, which refused it with 409; the worker dropped it.
    await().atMost(TestWorkers.patience()).until(() -> cutOff.metrics().reportCount("complete", "rejected") == 1);
    assertThat(spooled(cutOffData)).isEmpty();
    assertThat(api.operator().task(task.id()).result()).isEqualTo(done.result());
  }

  @Test
  void stoppingAWorkerLetsShortAttemptsFinishThenReleasesTheRest() throws Exception {
    String pool = pool();
    Map<String, Object> settings = settings(api.url(), "stopping", pool, dir.resolve("stopping"));
    settings.put("shutdown-grace", "3s");
    TaskWorker worker = workers.start(settings);
    TaskView quick = submit(pool, "quick", "bash", "{\"command\": \"sleep 1; echo quick\"}");
    TaskView slow = submit(pool, "slow", "bash", "{\"command\": \"echo slow; sleep 60\"}");
    awaitTask(quick.id(), WorkerResilienceTest::started);
    awaitTask(slow.id(), WorkerResilienceTest::started);

    long start = System.nanoTime();
    CompletableFuture.runAsync(worker::stop).get(30, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(api.operator().task(quick.id()).status()).isEqualTo("succeeded");
    TaskView released = api.operator().task(slow.id());
    assertThat(released.status()).isEqualTo("ready");
    assertThat(released.attempts()).singleElement().satisfies(a -> {
      assertThat(a.outcome()).isEqualTo("released");
      assertThat(a.error()).isEqualTo("released: the worker shut down before it finished");
    });
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(3)).isLessThan(Duration.ofSeconds(20));
  }
}
