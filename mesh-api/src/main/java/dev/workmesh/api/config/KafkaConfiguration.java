package dev.workmesh.api.config;

import dev.workmesh.api.outbox.MeshTopicCreator;
import dev.workmesh.core.outbox.MeshTopics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The producer of the outbox relay, the mesh topics (created at start-up and by the relay), and Kafka's health. */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

  private static final Logger log = LoggerFactory.getLogger(KafkaConfiguration.class);

  @Bean
  MeshTopics meshTopics(MeshApiProperties properties) {
    return new MeshTopics(properties.kafka().topicPrefix());
  }

  @Bean
  Admin meshAdminClient(KafkaProperties kafka) {
    return Admin.create(kafka.buildAdminProperties());
  }

  @Bean
  MeshTopicCreator meshTopicCreator(Admin admin, MeshTopics topics, MeshApiProperties properties) {
    return new MeshTopicCreator(admin, topics, properties.kafka().partitions());
  }

  /** Creates the mesh topics the broker lacks before the relay's producer exists. */
  @Bean
  TopicsCreated topicsCreated(MeshTopicCreator creator) {
    try {
      creator.createMissing(Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      // The relay keeps rows, and creates missing topics, once Kafka is back; do not refuse to start over it.
      log.warn("could not make sure the mesh topics exist: {}", e.getMessage());
    }
    return new TopicsCreated();
  }

  /** Marks that topic creation ran before the relay starts. */
  record TopicsCreated() {}

  @Bean(destroyMethod = "close")
  KafkaProducer<String, byte[]> outboxProducer(KafkaProperties kafka, MeshApiProperties properties,
      TopicsCreated ignored) {
    Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
    long send = properties.relay().sendTimeout().toMillis();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(send, 5_000));
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1_000, send / 2));
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(send, 2 + Math.max(1_000, send / 2)));
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "mesh-api-outbox");
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  @Bean
  HealthIndicator kafkaHealth(Admin admin) {
    return () -> {
      try {
        int nodes = admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).size();
        return Health.up().withDetail("brokers", nodes).build();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Health.down().withDetail("error", "interrupted").build();
      } catch (ExecutionException | TimeoutException e) {
        return Health.down().withDetail("error", "Kafka did not answer within 3s").build();
      }
    };
  }

}
