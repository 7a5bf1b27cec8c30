package dev.workmesh.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workmesh.core.mission.Mission;
import dev.workmesh.core.outbox.MeshTopics;
import dev.workmesh.core.outbox.OutboxPublishException;
import dev.workmesh.core.outbox.OutboxRelay;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.core.task.TaskFilter;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import dev.workmesh.testsupport.TestKafka;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Invariant 3: state changes and their events commit together, and every committed event is published. */
@MeshIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxRelayTest {

  private CoreHarness mesh;
  private TestKafka kafka;
  private MeshTopics topics;

  @BeforeAll
  void start(TestDatabase database, TestKafka kafka) {
    this.mesh = new CoreHarness(database);
    this.kafka = kafka;
    this.topics = new MeshTopics(kafka.topicPrefix());
    kafka.createTopics(2, topics.pooled(), topics.directed(), topics.taskEvents(), topics.agentEvents());
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  private KafkaProducer<String, byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3_000,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000), new StringSerializer(), new ByteArraySerializer());
  }

  private long unpublished() {
    return mesh.core.db().jdbc().sql("SELECT count(*) FROM outbox WHERE published_at IS NULL").query(Long.class).single();
  }

  @Test
  void aRolledBackChangePublishesNothing() {
    Mission mission = mesh.mission();
    long before = unpublished();
    assertThatThrownBy(() -> mesh.core.db().inTransaction(() -> {
      mesh.core.submitter().submit(mission.id(), NewTask.of("never", ""), "operator");
      throw new IllegalStateException("roll back");
    })).hasMessage("roll back");
    assertThat(unpublished()).isEqualTo(before);
    assertThat(mesh.core.tasks().list(mission.id(), TaskFilter.ALL, null, 10)).isEmpty();
  }

  @Test
  void theCommitOfAppendedRowsIsSignalledInProcessAfterTheCommitAndNeverForARollback() {
    Mission mission = mesh.mission();
    AtomicInteger signals = new AtomicInteger();
    AtomicLong unpublishedAtSignal = new AtomicLong(-1);
    mesh.core.outbox().onCommitted(() -> {
      signals.incrementAndGet();
      unpublishedAtSignal.set(unpublished()); // another connection: the rows must be visible already
    });
    long before = unpublished();
    mesh.core.db().inTransaction(() -> {
      mesh.core.submitter().submit(mission.id(), NewTask.of("signalled", ""), "operator");
      assertThat(signals).hasValue(0);
    });
    assertThat(signals.get()).isPositive();
    assertThat(unpublishedAtSignal.get()).isGreaterThan(before);

    int afterCommit = signals.get();
    assertThatThrownBy(() -> mesh.core.db().inTransaction(() -> {
      mesh.core.submitter().submit(mission.id(), NewTask.of("rolled back", ""), "operator");
      throw new IllegalStateException("roll back");
    })).hasMessage("roll back");
    assertThat(signals).hasValue(afterCommit);
  }

  @Test
  void rowsSurviveABrokerOutageAndArePublishedInOrderWhenItReturns() throws Exception {
    Mission mission = mesh.mission();
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(mesh.core.submitter().submit(mission.id(), NewTask.of("t" + i, ""), "operator").task().id());
    }
    long pending = unpublished();
    assertThat(pending).isGreaterThanOrEqualTo(10); // a ready event and a dispatch record per task

    // The broker is unreachable: a port nobody listens on.
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    try (KafkaProducer<String, byte[]> down = producer("127.0.0.1:" + deadPort);
        KafkaProducer<String, byte[]> up = producer(kafka.bootstrapServers());
        OutboxRelay failing = new OutboxRelay(mesh.core.db(), down, topics, 500, Duration.ofSeconds(3));
        OutboxRelay relay = new OutboxRelay(mesh.core.db(), up, topics, 500, Duration.ofSeconds(10))) {
      assertThatThrownBy(failing::relayOnce).isInstanceOf(OutboxPublishException.class);
      assertThat(unpublished()).isEqualTo(pending);
      // the relay that failed let go of the lock: another replica's takes over at its next pass
      while (relay.relayOnce() > 0) {
        // drain
      }
    }
    assertThat(unpublished()).isZero();

    List<ConsumerRecord<String, String>> events = readAll(topics.taskEvents(), ids.size());
    assertThat(events).extracting(ConsumerRecord::key).containsAll(ids.stream().map(UUID::toString).toList());
    assertThat(events.getFirst().headers().lastHeader(OutboxRelay.OUTBOX_ID_HEADER)).isNotNull();
    List<ConsumerRecord<String, String>> dispatch = readAll(topics.pooled(), ids.size());
    assertThat(dispatch).extracting(ConsumerRecord::key).containsAll(ids.stream().map(UUID::toString).toList());
    assertThat(dispatch.getFirst().value()).contains("\"claim_policy\":\"first_claim\"").contains("\"pool\":\"default\"");
  }

  @Test
  void oneRelayAtATimeHoldsTheLockUntilItLetsGoAndAPassIsTwoRoundTrips() throws Exception {
    Mission mission = mesh.mission();
    try (KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers());
        OutboxRelay first = new OutboxRelay(mesh.core.db(), producer, topics, 500, Duration.ofSeconds(10));
        OutboxRelay second = new OutboxRelay(mesh.core.db(), producer, topics, 500, Duration.ofSeconds(10))) {
      while (first.relayOnce() > 0) {
        // drain what other tests left, and take the lock
      }
      mesh.core.submitter().submit(mission.id(), NewTask.of("relayed by the holder", ""), "operator");
      assertThat(second.relayOnce()).as("the first relay holds the lock").isZero();
      assertThat(unpublished()).isEqualTo(2);

      AtomicInteger roundTrips = new AtomicInteger();
      try (OutboxRelay counted = new OutboxRelay(mesh.countingRoundTrips(roundTrips).db(), producer, topics, 500,
          Duration.ofSeconds(10))) {
        first.close(); // a replica that stops lets go at once
        assertThat(counted.relayOnce()).isEqualTo(2);
        assertThat(unpublished()).isZero();
        mesh.core.submitter().submit(mission.id(), NewTask.of("relayed by the new holder", ""), "operator");
        roundTrips.set(0);
        assertThat(counted.relayOnce()).isEqualTo(2);
        assertThat(roundTrips).as("the read of the batch and, once Kafka took it, the mark").hasValue(2);
        roundTrips.set(0);
        assertThat(counted.relayOnce()).isZero();
        assertThat(roundTrips).as("a pass that finds nothing").hasValue(1);
        assertThat(second.relayOnce()).as("the lock moved to the counted relay").isZero();
      }
      mesh.core.submitter().submit(mission.id(), NewTask.of("after the holder closed", ""), "operator");
      assertThat(second.relayOnce()).isEqualTo(2);
    }
    assertThat(unpublished()).isZero();
  }

  private List<ConsumerRecord<String, String>> readAll(String topic, int atLeast) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records.size() < atLeast && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

}
