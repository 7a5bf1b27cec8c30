package dev.workmesh.scheduler.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.core.leader.MaintenanceLoop;
import dev.workmesh.core.loop.LoopMetrics;
import dev.workmesh.core.mission.Mission;
import dev.workmesh.core.outbox.MeshTopics;
import dev.workmesh.core.outbox.OutboxRelay;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.core.task.TaskStatus;
import dev.workmesh.scheduler.SchedulerHarness;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import dev.workmesh.testsupport.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leader-only sweeps: promotion, re-dispatch (invariant 4) and fail-over within the lease. */
@MeshIntegrationTest
class SchedulerMaintenanceTest {

  private static final Duration TERM = Duration.ofSeconds(15);
  private static final Duration MARGIN = Duration.ofSeconds(3);
  private static final Duration REDISPATCH_AFTER = Duration.ofSeconds(30);

  @TempDir Path dir;
  private SchedulerHarness mesh;
  private final List<MaintenanceLoop> loops = new ArrayList<>();

  @BeforeAll
  static void topics(TestKafka kafka) {
    MeshTopics topics = new MeshTopics(kafka.topicPrefix());
    kafka.createTopics(1, topics.pooled(), topics.directed(), topics.taskEvents(), topics.agentEvents());
  }

  @BeforeEach
  void start(TestDatabase database) {
    mesh = new SchedulerHarness(database, dir.resolve("cron.toml"), Instant.parse("2030-01-07T06:00:00Z"));
    mesh.core.db().jdbc().sql("DELETE FROM leader_lease").update();
    // Tasks of earlier tests would be promoted or re-dispatched too: start each test from none.
    mesh.core.db().jdbc().sql("UPDATE task SET status = 'cancelled' WHERE status IN ('pending', 'ready')").update();
  }

  @AfterEach
  void stop() {
    loops.forEach(MaintenanceLoop::close);
    mesh.close();
  }

  private MaintenanceLoop replica(String id) {
    FireRecordCleaner cleaner = new FireRecordCleaner(mesh.ledger, mesh.clock, Duration.ofDays(30),
        Duration.ofHours(1), 100);
    MaintenanceLoop maintenance = SchedulerMaintenance.create(mesh.core, id, TERM, MARGIN, Duration.ofSeconds(1),
        SchedulerMaintenance.jobs(mesh.core, cleaner, 100, REDISPATCH_AFTER, 100), mesh.meters);
    loops.add(maintenance);
    return maintenance;
  }

  private Mission mission() {
    return mesh.core.missions().create("m-" + UUID.randomUUID(), "");
  }

  @Test
  void anotherReplicaTakesOverTheSweepsWithinTheLeaseTermWhenTheLeaderDies() {
    MaintenanceLoop a = replica("replica-a");
    MaintenanceLoop b = replica("replica-b");
    assertThat(a.tick()).isTrue();
    assertThat(b.tick()).as("one leader at a time").isFalse();
    Instant lastRenewal = mesh.clock.instant();

    UUID task = mesh.core.submitter().submit(mission().id(),
        NewTask.builder("later").notBefore(lastRenewal.plusSeconds(5)).build(), "operator").task().id();
    assertThat(status(task)).isEqualTo(TaskStatus.PENDING);

    // replica-a dies: it neither renews nor releases its lease.
    mesh.clock.advance(Duration.ofSeconds(6));
    assertThat(b.tick()).as("the dead leader's lease has not expired yet").isFalse();
    assertThat(status(task)).isEqualTo(TaskStatus.PENDING);

    mesh.clock.set(lastRenewal.plus(TERM).plusMillis(1));
    assertThat(b.tick()).isTrue();
    assertThat(status(task)).as("promoted by the new leader").isEqualTo(TaskStatus.READY);
    assertThat(a.tick()).as("the old leader comes back as a follower").isFalse();

    b.close();
    assertThat(a.tick()).as("a leader that stops hands over at once").isTrue();
  }

  @Test
  void aReadyTaskWhoseRecordWasConsumedAndDroppedIsDispatchedAgainToKafka(TestKafka kafka) {
    MeshTopics topics = new MeshTopics(kafka.topicPrefix());
    MaintenanceLoop leader = replica("leader");
    UUID task = mesh.core.submitter().submit(mission().id(), NewTask.of("nobody had room", ""), "operator")
        .task().id();

    try (KafkaProducer<String, byte[]> producer = producer(kafka);
        OutboxRelay relay = new OutboxRelay(mesh.core.db(), producer, topics, 500, Duration.ofSeconds(10))) {
      drain(relay);
      assertThat(read(kafka, topics.pooled(), task, 1)).as("the first record, taken and dropped by a worker")
          .hasSize(1);

      assertThat(leader.tick()).isTrue();
      assertThat(dispatchRows(task)).as("not stale yet").isEqualTo(1);

      mesh.clock.advance(REDISPATCH_AFTER.plusSeconds(1));
      assertThat(leader.tick()).isTrue();
      assertThat(dispatchRows(task)).isEqualTo(2);
      assertThat(mesh.meters.counter(LoopMetrics.ITEMS, "loop", "scheduler", "step", "redispatch-stale")
          .count()).isEqualTo(1);

      drain(relay);
      List<ConsumerRecord<String, String>> records = read(kafka, topics.pooled(), task, 2);
      assertThat(records).hasSize(2);
      assertThat(records.getLast().value()).contains("\"reason\":\"redispatch\"")
          .contains("\"task_id\":\"" + task + "\"");
    }
  }

  private TaskStatus status(UUID task) {
    return mesh.core.tasks().get(task).status();
  }

  private long dispatchRows(UUID task) {
    return mesh.core.db().jdbc().sql("SELECT count(*) FROM outbox WHERE topic = :t AND message_key = :k")
        .param("t", MeshTopics.TASKS_POOLED).param("k", task.toString()).query(Long.class).single();
  }

  private static void drain(OutboxRelay relay) {
    while (relay.relayOnce() > 0) {
      // publish until the outbox is empty
    }
  }

  private static KafkaProducer<String, byte[]> producer(TestKafka kafka) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
  }

  /** The records of {@code task} on {@code topic}, read from the start by a new group until {@code expected} came. */
  private static List<ConsumerRecord<String, String>> read(TestKafka kafka, String topic, UUID task, int expected) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, kafka.topic("reader-" + UUID.randomUUID()),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (task.toString().equals(r.key())) {
            records.add(r);
          }
        });
      }
      return records;
    }
  }
}
