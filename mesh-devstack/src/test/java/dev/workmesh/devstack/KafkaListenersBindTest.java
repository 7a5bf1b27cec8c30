package dev.workmesh.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.testsupport.embedded.BindAddress;
import dev.workmesh.testsupport.embedded.EmbeddedKafkaServer;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * The broker {@code ./mesh dev} starts on a loopback bind listens on loopback only: its client front and
 * its own listeners, the KRaft controller's included.
 */
class KafkaListenersBindTest {

  @Test
  void everyListenerOfTheBrokerIsOnLoopbackWhenBoundToLoopback() throws Exception {
    Set<InetSocketAddress> before = ListeningSockets.ofThisProcess();
    try (EmbeddedKafkaServer kafka = EmbeddedKafkaServer.start(BindAddress.parse("127.0.0.1"), 0)) {
      Set<InetSocketAddress> kafkaSockets = new HashSet<>(ListeningSockets.ofThisProcess());
      kafkaSockets.removeAll(before);

      // the front, the broker listener and the controller listener
      assertThat(kafkaSockets).as("sockets the broker listens on").hasSizeGreaterThanOrEqualTo(3)
          .allSatisfy(socket -> assertThat(socket.getAddress().isLoopbackAddress())
              .as("%s is on loopback", socket).isTrue());
      try (Admin admin = Admin.create(
          java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).as("the broker answers").hasSize(1);
      }
    }
  }
}
