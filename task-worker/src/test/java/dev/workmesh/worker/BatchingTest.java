package dev.workmesh.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.MeshTestEnv;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker talks to mesh-api in batches: the tasks of one poll's records are claimed in one request,
 * the leases of its running attempts are renewed in one request per interval, and the reports of
 * attempts that end within the batch window go in one request. Every task still runs exactly once.
 */
@MeshIntegrationTest
class BatchingTest {

  static final MeshTestEnv ENV = MeshTestEnv.forClass(BatchingTest.class);
  static MeshApiServer api;

  @TempDir Path dir;
  final TestWorkers workers = new TestWorkers(ENV);
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

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

  private List<TaskView> submitTogether(MissionView mission, String pool, int count, String command) {
    List<TaskRequest> tasks = IntStream.range(0, count).mapToObj(i -> TestWorkers.bashTask("t" + i, pool, command)).toList();
    return api.operator().submitAll(mission.id(), tasks);
  }

  private long batches(String kind) {
    DistributionSummary summary = registry.find("workmesh.worker.batch.size").tag("kind", kind).summary();
    return summary == null ? 0 : summary.count();
  }

  private void awaitSucceeded(List<TaskView> tasks) {
    for (TaskView task : tasks) {
      TaskView done = await().atMost(TestWorkers.patience()).pollInterval(Duration.ofMillis(100))
          .until(() -> api.operator().task(task.id()), t -> t.status().equals("succeeded"));
      assertThat(done.attempts()).as("task " + task.id() + " ran exactly once").hasSize(1);
    }
  }

  @Test
  void leasesAreRenewedTogetherAndReportsEndingTogetherShareOneRequest() {
    String pool = "batch-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> keys = workers.settings(api.url(), "batcher", pool, dir.resolve("batcher"));
    keys.put("batch-window", "1s");
    workers.start(keys, registry);
    MissionView mission = api.operator().createMission("m-" + UUID.randomUUID(), "batching");

    // Three attempts that outlive two heartbeat intervals (1s) and end together.
    List<TaskView> tasks = submitTogether(mission, pool, 3, "sleep 2.5; echo done");
    awaitSucceeded(tasks);

    assertThat(batches("heartbeat")).as("heartbeat requests that renewed several claims").isPositive();
    assertThat(batches("report")).as("report requests that carried several reports").isPositive();
    assertThat(registry.find("workmesh.worker.reports").tag("kind", "complete").tag("result", "delivered").counter().count())
        .isEqualTo(3);
  }

  @Test
  void anAttemptThatEndsBeforeItsFirstHeartbeatReportsWithoutOne() {
    String pool = "first-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> keys = workers.settings(api.url(), "first", pool, dir.resolve("first"));
    keys.put("attempt-heartbeat-interval", "5s");
    keys.put("first-heartbeat-after", "4s");
    workers.start(keys, registry);
    MissionView mission = api.operator().createMission("m-" + UUID.randomUUID(), "first heartbeat");

    List<TaskView> tasks = api.operator().submitAll(mission.id(),
        List.of(TestWorkers.bashTask("short", pool, "true"), TestWorkers.bashTask("long", pool, "sleep 6")));
    TaskView shortOne = tasks.get(0);
    TaskView longOne = tasks.get(1);
    TaskView running = await().atMost(TestWorkers.patience()).pollInterval(Duration.ofMillis(100))
        .until(() -> api.operator().task(longOne.id()), t -> t.status().equals("running"));
    assertThat(Duration.between(running.attempts().getFirst().claimedAt(), running.attempts().getFirst().startedAt()))
        .as("the long attempt's first heartbeat marked it running after first-heartbeat-after")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    awaitSucceeded(tasks);
    // The short one went from claimed to succeeded: no heartbeat ever marked it running.
    assertThat(api.operator().task(shortOne.id()).attempts().getFirst().startedAt()).isNull();
    assertThat(api.operator().task(longOne.id()).attempts().getFirst().startedAt()).isNotNull();
  }

  @Test
  void theTasksOfOnePollAreClaimedInOneRequest() {
    String pool = "claim-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> keys = workers.settings(api.url(), "claimer", pool, dir.resolve("claimer"));
    keys.put("idle-pull-interval", "1h"); // only Kafka records bring work here
    workers.start(keys, registry);
    MissionView mission = api.operator().createMission("m-" + UUID.randomUUID(), "batch claims");

    // Records of one submission arrive together; a poll takes up to the 3 free slots' worth of them.
    List<TaskView> all = new ArrayList<>();
    await().atMost(TestWorkers.patience()).pollInterval(Duration.ofMillis(200)).until(() -> {
      List<TaskView> round = submitTogether(mission, pool, 3, "true");
      all.addAll(round);
      awaitSucceeded(round);
      return batches("claim") > 0;
    });
    awaitSucceeded(all);
  }
}
