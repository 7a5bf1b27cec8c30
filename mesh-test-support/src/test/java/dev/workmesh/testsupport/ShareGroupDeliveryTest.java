package dev.workmesh.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@MeshIntegrationTest
class ShareGroupDeliveryTest {

  private static final int RECORDS = 400;

  @Test
  void twoShareConsumersInOneGroupReceiveDisjointSetsWhoseUnionIsEverything(TestKafka kafka)
      throws Exception {
    String topic = kafka.topic("work");
    String group = kafka.topic("pool");
    kafka.createTopics(4, topic);
    kafka.shareGroupFromEarliest(group);

    Set<String> produced = new HashSet<>();
    try (KafkaProducer<String, String> producer = producer(kafka)) {
      for (int i = 0; i < RECORDS; i++) {
        String value = "record-" + i;
        producer.send(new ProducerRecord<>(topic, Integer.toString(i), value));
        produced.add(value);
      }
      producer.flush();
    }

    Map<String, Set<String>> byConsumer = new ConcurrentHashMap<>();
    Set<String> union = ConcurrentHashMap.newKeySet();
    AtomicBoolean duplicate = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    for (String name : new String[] {"a", "b"}) {
      Set<String> mine = ConcurrentHashMap.newKeySet();
      byConsumer.put(name, mine);
      pool.submit(
          () -> {
            try (KafkaShareConsumer<String, String> consumer = shareConsumer(kafka, group)) {
              consumer.subscribe(Set.of(topic));
              while (!stop.get()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                  mine.add(record.value());
                  if (!union.add(record.value())) {
                    duplicate.set(true);
                  }
                  // Slow consumers leave room for the other member to acquire records too.
                  Thread.sleep(2);
                }
                consumer.commitSync();
              }
            }
            return null;
          });
    }
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> union.size() >= RECORDS);
    } finally {
      stop.set(true);
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    assertThat(union).isEqualTo(produced);
    assertThat(duplicate).isFalse();
    Set<String> overlap = new HashSet<>(byConsumer.get("a"));
    overlap.retainAll(byConsumer.get("b"));
    assertThat(overlap).isEmpty();
    assertThat(byConsumer.get("a")).isNotEmpty();
    assertThat(byConsumer.get("b")).isNotEmpty();
  }

  private static KafkaProducer<String, String> producer(TestKafka kafka) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all"),
        new StringSerializer(),
        new StringSerializer());
  }

  private static KafkaShareConsumer<String, String> shareConsumer(TestKafka kafka, String group) {
    return new KafkaShareConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, group,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20),
        new StringDeserializer(),
        new StringDeserializer());
  }
}
