package dev.workmesh.testsupport;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
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
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
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

  /**
   * Waits until share group {@code groupId} has {@code members} members, each holding the group's latest
   * assignment, and together every partition of {@code topic}. Until then a record of a partition that no
   * member holds yet waits: a member learns of its partitions from its share-group heartbeat, every 5 s by
   * default ({@code group.share.heartbeat.interval.ms}), so a group that has just formed leaves some
   * partitions unread for seconds.
   *
   * @return whether that happened within {@code timeout}
   */
  public boolean awaitShareGroupAssigned(String groupId, String topic, int members, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = admin()) {
      int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
          .get(topic).partitions().size();
      while (System.nanoTime() < deadline) {
        ShareGroupDescription group = describeShareGroup(admin, groupId);
        if (group == null) {
          Thread.sleep(100); // no member has joined yet
          continue;
        }
        var held = new HashSet<TopicPartition>();
        boolean current = group.members().size() == members;
        for (ShareMemberDescription member : group.members()) {
          current &= member.memberEpoch() == group.targetAssignmentEpoch();
          member.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(topic)).forEach(held::add);
        }
        if (current && held.size() == partitions) {
          return true;
        }
        Thread.sleep(100);
      }
      return false;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not describe share group " + groupId, e);
    }
  }

  /** The group, or null while it does not exist (before its first member joins). */
  private static ShareGroupDescription describeShareGroup(Admin admin, String groupId)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      return admin.describeShareGroups(List.of(groupId)).all().get(30, TimeUnit.SECONDS).get(groupId);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return null;
      }
      throw e;
    }
  }
}
