package dev.workmesh.testsupport.embedded;

import java.lang.reflect.Field;
import java.nio.channels.ServerSocketChannel;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.PreboundSocketFactoryManager;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * One combined broker and KRaft controller, started the way Kafka's test kit starts it, but with every
 * listener, the controller's included, on loopback.
 *
 * <p>The test kit opens each listener's socket on the wildcard address before the node starts and hands
 * it over whatever {@code listeners} says. A pre-opened socket that is closed by then is opened again on
 * the listener's configured host and the same port; this class closes them between build and start, so
 * that each listener binds {@code 127.0.0.1}. Clients never reach these sockets from elsewhere: the
 * {@link EmbeddedKafkaServer}'s front forwards to them.
 */
final class LoopbackKafkaCluster {

  private static final String BROKER_LISTENER = "EXTERNAL";
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final String LOOPBACK = "127.0.0.1";

  private LoopbackKafkaCluster() {}

  /** Starts the node with {@code settings} on top of the test kit's, and waits until the broker is ready. */
  static KafkaClusterTestKit start(Map<String, String> settings) {
    TestKitNodes nodes =
        new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build();
    KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
    builder.setConfigProp("listeners",
        BROKER_LISTENER + "://" + LOOPBACK + ":0," + CONTROLLER_LISTENER + "://" + LOOPBACK + ":0");
    settings.forEach(builder::setConfigProp);
    KafkaClusterTestKit cluster = null;
    try {
      cluster = builder.build();
      closePreopenedSockets(cluster);
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return cluster;
    } catch (Exception e) {
      if (cluster != null) {
        closeQuietly(cluster);
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("the embedded Kafka broker did not start: " + e.getMessage(), e);
    }
  }

  private static void closePreopenedSockets(KafkaClusterTestKit cluster) throws Exception {
    PreboundSocketFactoryManager sockets = socketFactoryManager(cluster);
    for (int node : cluster.nodes().brokerNodes().keySet()) {
      close(sockets.getSocketForListenerAndMarkAsUsed(node, BROKER_LISTENER));
    }
    for (int node : cluster.nodes().controllerNodes().keySet()) {
      close(sockets.getSocketForListenerAndMarkAsUsed(node, CONTROLLER_LISTENER));
    }
  }

  private static PreboundSocketFactoryManager socketFactoryManager(KafkaClusterTestKit cluster)
      throws ReflectiveOperationException {
    Field field = KafkaClusterTestKit.class.getDeclaredField("socketFactoryManager");
    field.setAccessible(true);
    return (PreboundSocketFactoryManager) field.get(cluster);
  }

  private static void close(ServerSocketChannel socket) throws java.io.IOException {
    if (socket != null) {
      socket.close();
    }
  }

  static void closeQuietly(KafkaClusterTestKit cluster) {
    try {
      cluster.close();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
