package dev.workmesh.api.outbox;

import dev.workmesh.core.outbox.MeshTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the mesh topics a broker lacks: at start-up, and again whenever the outbox relay finds one
 * missing (a broker that was replaced, or lost its data, comes back without them). Topics that exist are
 * left as they are.
 */
public final class MeshTopicCreator {

  private static final Logger log = LoggerFactory.getLogger(MeshTopicCreator.class);

  private final Admin admin;
  private final MeshTopics topics;
  private final int partitions;

  public MeshTopicCreator(Admin admin, MeshTopics topics, int partitions) {
    this.admin = admin;
    this.topics = topics;
    this.partitions = partitions;
  }

  /**
   * Asks the broker to create every mesh topic, with {@code partitions} partitions and its default
   * replication, and waits up to {@code timeout} for its answer.
   *
   * @return the topics it created; empty when it had them all
   * @throws IllegalStateException when the broker refused a topic or did not answer in time
   */
  public List<String> createMissing(Duration timeout) {
    List<NewTopic> wanted = Arrays.stream(MeshTopics.ALL)
        .map(t -> new NewTopic(topics.resolve(t), Optional.of(partitions), Optional.empty()))
        .toList();
    Map<String, KafkaFuture<Void>> answers =
        admin.createTopics(wanted, new CreateTopicsOptions().timeoutMs((int) timeout.toMillis())).values();
    List<String> created = new ArrayList<>();
    for (Map.Entry<String, KafkaFuture<Void>> answer : answers.entrySet()) {
      String name = answer.getKey();
      try {
        answer.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        created.add(name);
        log.info("created Kafka topic {}", name);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("could not create Kafka topic " + name + ": " + e.getCause(), e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while creating Kafka topic " + name, e);
      } catch (TimeoutException e) {
        throw new IllegalStateException("Kafka did not create topic " + name + " within " + timeout.toMillis()
            + " ms; is spring.kafka.bootstrap-servers right?", e);
      }
    }
    return created;
  }
}
