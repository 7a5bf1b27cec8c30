package dev.workmesh.devstack.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.worker.TaskWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Kafka goes away in the middle of a run of 1,000 tasks and comes back as a fresh broker (every record in
 * flight is lost). Records are hints: the outbox keeps what was not published, workers pull while idle and
 * the scheduler re-dispatches stale ready tasks. So every task still ends exactly once, and the outbox
 * drains once the broker is back.
 */
@ExtendWith(FaultSummaryExtension.class)
class KafkaBrokerOutageTest {

  static final int TASKS = Integer.getInteger("fault.kafka.tasks", 1_000);
  static final int BATCH = 50;
  static final int WORKERS = 4;
  static final int SLOTS = 6;
  static final Duration OUTAGE = Duration.ofSeconds(8);

  @TempDir Path dir;
  FaultStack stack;
  /** The submitter waits on these between its phases; a failed test releases it. */
  final CompletableFuture<Void> brokerDown = new CompletableFuture<>();
  final CompletableFuture<Void> brokerBack = new CompletableFuture<>();

  @AfterEach
  void stop() {
    brokerDown.complete(null);
    brokerBack.complete(null);
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void everyTaskEndsExactlyOnceThroughABrokerRestartAndTheOutboxDrains() throws Exception {
    FaultLedger.Scenario scenario = FaultLedger.global().scenario("Kafka broker restart during " + TASKS + " tasks");
    stack = FaultStack.start(dir, scenario);
    FaultStack.Service api = stack.startControlPlane();
    List<TaskWorker> workers = new ArrayList<>();
    for (int i = 0; i < WORKERS; i++) {
      Map<String, Object> settings = stack.workerSettings(api.url(), "bulk-" + i, "bulk", SLOTS);
      // Pulls every second: while the broker is down they are the only way work arrives, and after it came
      // back, until the share consumers have replaced their members of the lost share groups.
      settings.put("idle-pull-interval", System.getProperty("fault.kafka.pull", "1s"));
      workers.add(stack.startWorker(settings));
    }
    MeshClient mesh = FaultStack.operator(api.url());
    MissionView mission = mesh.createMission("kafka-outage", TASKS + " tasks through a broker restart");
    MeshDatabase db = stack.database();

    // Cheap tasks: exec /bin/true, one short process each. Half of the batches go before the outage, a
    // quarter while the broker is down (their outbox rows wait, the workers' pulls run them), the rest after.
    JsonNode input = MeshClient.JSON.readTree("{\"argv\": [\"/bin/true\"]}");
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicInteger submittedDuring = new AtomicInteger();
    int batches = TASKS / BATCH;
    CompletableFuture<Void> submitter = CompletableFuture.runAsync(() -> {
      for (int b = 0; b < batches; b++) {
        if (b == batches / 2) {
          brokerDown.join();
        } else if (b == batches * 3 / 4) {
          brokerBack.join();
        }
        List<TaskRequest> batch = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
          String key = "k-%05d".formatted(b * BATCH + i);
          keys.add(key);
          batch.add(new TaskRequest("true " + key, "", null, null, "bulk", null, null, "exec", input, null, "1m",
              null, null, null, key));
        }
        List<TaskView> created = mesh.submitAll(mission.id(), batch);
        assertThat(created).hasSize(BATCH);
        acknowledged.addAll(keys);
        if (brokerDown.isDone() && !brokerBack.isDone()) {
          submittedDuring.addAndGet(BATCH);
        }
        // Pacing, not synchronisation: spreads each phase's batches over a few seconds.
        LockSupport.parkNanos(Duration.ofMillis(400).toNanos());
      }
    });

    // Break Kafka once a quarter of the work is done.
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
        .until(() -> db.count("SELECT count(*) FROM task WHERE mission_id = ? AND status = 'succeeded'", mission.id())
            >= TASKS / 4);
    long doneBefore = succeeded(db, mission);
    double pooledBefore = claims(workers, "pooled");
    stack.stopKafka();
    long outageStart = System.nanoTime();
    brokerDown.complete(null);
    Thread.sleep(OUTAGE.toMillis()); // holds the outage open for a measured time; nothing waits on it
    long doneDuring = succeeded(db, mission) - doneBefore;
    long unpublishedDuring = db.unpublishedOutbox();
    stack.startKafka();
    // A broker restarting on its own log keeps its topics; this one's log was temporary (mesh-api would
    // create them again, see MeshTopicsAfterBrokerLossTest).
    stack.recreateMeshTopics(3);
    scenario.figure("outage", Duration.ofNanos(System.nanoTime() - outageStart).toMillis() + " ms");
    scenario.figure("tasks finished while the broker was down (pulls)", doneDuring);
    scenario.figure("outbox rows waiting when the broker came back", unpublishedDuring);
    scenario.figure("tasks submitted while the broker was down", submittedDuring.get());
    brokerBack.complete(null);

    submitter.get(3, TimeUnit.MINUTES);
    assertThat(acknowledged).hasSize(TASKS);

    long start = System.nanoTime();
    await("every task ends").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
        .until(() -> db.openTasks(mission.id()) == 0);
    scenario.figure("drain after the outage", Duration.ofNanos(System.nanoTime() - start).toSeconds() + " s");
    MeshDatabase.Verdict verdict = db.exactlyOnce(mission.id(), acknowledged);
    scenario.figure("attempts by outcome", verdict.attempts());
    scenario.figure("claims from share-group records before / after the outage",
        (long) pooledBefore + " / " + (long) (claims(workers, "pooled") - pooledBefore));
    scenario.figure("claims from pulls", (long) claims(workers, "pull"));
    scenario.figure("worker claims by source and result", claimsBreakdown(workers));
    scenario.verdict(verdict.tasks(), verdict.lost(), verdict.duplicated());

    boolean drained = awaitOrFalse(() -> db.unpublishedOutbox() == 0, Duration.ofMinutes(1));
    scenario.figure("outbox rows unpublished at the end", db.unpublishedOutbox());

    assertThat(unpublishedDuring).as("the outbox held events while the broker was down").isPositive();
    assertThat(submittedDuring.get()).as("tasks submitted while the broker was down").isPositive();
    assertThat(verdict.tasks()).isEqualTo(TASKS);
    assertThat(verdict.succeededOnce()).as("tasks with exactly one succeeded attempt").isEqualTo(TASKS);
    assertThat(verdict.lost()).as("lost; some: %s", verdict.someMissing()).isZero();
    assertThat(verdict.duplicated()).isZero();
    assertThat(verdict.liveAttemptsOfEndedTasks()).isZero();
    assertThat(drained).as("the outbox drains after the broker is back; %d rows left", db.unpublishedOutbox()).isTrue();
  }

  static boolean awaitOrFalse(java.util.concurrent.Callable<Boolean> condition, Duration atMost) {
    try {
      await().atMost(atMost).pollInterval(Duration.ofMillis(500)).until(condition);
      return true;
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      return false;
    }
  }

  static double claims(List<TaskWorker> workers, String source) {
    return workers.stream().mapToDouble(w -> {
      var counter = w.metrics().registry().find("workmesh.worker.claims").tag("source", source).tag("result", "won").counter();
      return counter == null ? 0 : counter.count();
    }).sum();
  }

  static java.util.Map<String, Long> claimsBreakdown(List<TaskWorker> workers) {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    for (TaskWorker w : workers) {
      w.metrics().registry().find("workmesh.worker.claims").counters().forEach(c ->
          out.merge(c.getId().getTag("source") + "/" + c.getId().getTag("result"), (long) c.count(), Long::sum));
    }
    return out;
  }

  static long succeeded(MeshDatabase db, MissionView mission) {
    return db.count("SELECT count(*) FROM task WHERE mission_id = ? AND status = 'succeeded'", mission.id());
  }
}
