package dev.workmesh.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.client.wire.DispatchRecord;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.MeshTestEnv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker with a free slot gets a ready task within its pull interval, whoever else is busy, and at once
 * when the task's record went back to the group for lack of a slot and never came back.
 */
@MeshIntegrationTest
class FreeSlotTest {

  static final MeshTestEnv ENV = MeshTestEnv.forClass(FreeSlotTest.class);
  static MeshApiServer api;

  @TempDir Path dir;
  final TestWorkers workers = new TestWorkers(ENV);

  @BeforeAll
  static void startApi() {
    // One partition: records waiting for a free slot come back in one poll (with several, a poll may
    // return one partition's record only). No stranded-pool answers: a worker would pull on them for the
    // slot that frees, where these tests count what its records and its idle pull do (StrandedTaskTest
    // covers the stranded pull).
    api = MeshApiServer.start(ENV, Map.of("mesh-api.kafka.partitions", "1", "mesh-api.long-poll.stranded-after", "1h"));
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
    return api.operator().submit(mission.id(), TestWorkers.bashTask("t", pool, command)).task();
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

  /**
   * A record released for lack of a slot counts a delivery; bounced between busy workers it is archived by
   * the broker, and its task had to wait for the idle pull. Here the test's own member of the share group
   * takes the released record for good (as an archive would), with the idle pull ten minutes away: the
   * worker's first empty poll with a free slot pulls the task from the API.
   */
  @Test
  void aTaskWhoseRecordWasReleasedForLackOfASlotIsPulledOnceASlotFrees() throws Exception {
    String pool = "surplus-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> keys = workers.settings(api.url(), "surplus", pool, dir.resolve("surplus"));
    keys.put("max-concurrent-subagents", "2");
    keys.put("poll-records", "2");
    keys.put("idle-pull-interval", "10m");
    TaskWorker worker = workers.start(keys);
    TaskView first = submit(pool, "sleep 300");
    TaskView second = submit(pool, "sleep 300");
    await().atMost(TestWorkers.patience()).until(() -> worker.runningAttempts() == 2);

    // Both records wait in the topic while the worker is full; one freed slot then polls both of them.
    // The one that runs holds the slot while the test's member joins the group (it may take seconds).
    TaskView a = submit(pool, "sleep 20");
    TaskView b = submit(pool, "sleep 20");
    await().atMost(TestWorkers.patience()).until(() -> unpublishedOutboxRows() == 0);
    api.operator().cancel(first.id());
    await().atMost(TestWorkers.patience()).until(() -> worker.metrics().surplusReleasedCount() >= 1);
    await().atMost(TestWorkers.patience()).until(() -> !status(a.id()).equals("ready") || !status(b.id()).equals("ready"));
    UUID released = status(a.id()).equals("ready") ? a.id() : b.id();
    assertThat(status(released)).as("one of the two waits").isEqualTo("ready");

    try (RecordTaker taker = new RecordTaker(pool, released)) {
      await().atMost(TestWorkers.patience()).until(taker::took);
      assertThat(status(released)).as("the record is gone, the task still ready").isEqualTo("ready");
      TaskView pulled = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .until(() -> api.operator().task(released), t -> !t.status().equals("ready"));
      assertThat(pulled.attempts()).singleElement()
          .satisfies(at -> assertThat(at.agentId()).isEqualTo(worker.identity().orElseThrow().agentId()));
    }
    api.operator().cancel(second.id());
  }

  private String status(UUID task) {
    return api.operator().task(task).status();
  }

  private static int unpublishedOutboxRows() throws Exception {
    try (var ds = ENV.database().newDataSource(1); var c = ds.getConnection(); var s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM outbox WHERE published_at IS NULL")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** A member of the pool's share group that accepts one task's record (gone for good) and releases the rest. */
  private static final class RecordTaker implements AutoCloseable {

    private final AtomicBoolean took = new AtomicBoolean();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    RecordTaker(String pool, UUID task) {
      Map<String, Object> config = new HashMap<>();
      config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ENV.kafka().bootstrapServers());
      config.put(ConsumerConfig.GROUP_ID_CONFIG, ENV.kafka().topicPrefix() + "mesh-pool-" + pool);
      config.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
      config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
      config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
      thread = Thread.ofPlatform().name("record-taker").start(() -> {
        try (KafkaShareConsumer<String, byte[]> consumer = new KafkaShareConsumer<>(config)) {
          consumer.subscribe(List.of(ENV.kafka().topic("mesh.tasks.pooled")));
          while (!stop.get()) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
              boolean mine = DispatchRecord.parse(record.value()).map(r -> r.taskId().equals(task)).orElse(false);
              consumer.acknowledge(record, mine ? AcknowledgeType.ACCEPT : AcknowledgeType.RELEASE);
              took.compareAndSet(false, mine);
            }
            consumer.commitSync();
          }
        }
      });
    }

    boolean took() {
      return took.get();
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join(Duration.ofSeconds(30));
    }
  }
}
