package dev.workmesh.testsupport;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;

/**
 * The JVM-wide Kafka broker as one test class sees it: every topic and group it creates should carry
 * {@link #topicPrefix()} so that classes never read each other's records.
 */
public record TestKafka(String bootstrapServers, String topicPrefix) {

  /** {@code name} with this class's prefix. */
  public String topic(String name) {
    return topicPrefix + name;
  }

  public Admin admin() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return Admin.create(props);
  }

  /** Creates topics (names used as given) and waits until the broker has them. */
  public void createTopics(int partitions, String... names) {
    try (Admin admin = admin()) {
      List<NewTopic> topics =
          Arrays.stream(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList();
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not create topics " + Arrays.toString(names), e);
    }
  }

  /**
   * Makes a share group start from the earliest offset. Share groups start at {@code latest} by default,
   * so records produced before the first consumer joined would never be delivered.
   */
  public void shareGroupFromEarliest(String groupId) {
    try (Admin admin = admin()) {
      ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
      AlterConfigOp earliest =
          new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET);
      admin.incrementalAlterConfigs(Map.of(group, List.of(earliest))).all().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not configure share group " + groupId, e);
    }
  }
}
