package dev.workmesh.testsupport.embedded;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.PreboundSocketFactoryManager;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One combined broker and KRaft controller, started the way Kafka's test kit starts it, but with every
 * listener, the controller's included, on loopback.
 *
 * <p>The test kit opens each listener's socket on the wildcard address before the node starts and hands
 * it over whatever {@code listeners} says. A pre-opened socket that is closed by then is opened again on
 * the listener's configured host and the same port; this class closes them between build and start, so
 * that each listener binds {@code 127.0.0.1}. Clients never reach these sockets from elsewhere: the
 * {@link EmbeddedKafkaServer}'s front forwards to them.
 *
 * <p>Two more habits of the test kit are undone. Its temporary directory comes with a JVM shutdown hook
 * that deletes it at exit, in parallel with whatever stops the broker then: a broker still running finds
 * its metadata log gone, fails the log dir, and halts the JVM with status 1 (after every test passed, a
 * forked test JVM then "crashed"). The kit deletes the directory itself on {@code close()}, once the
 * node is down, so that hook is not registered. And formatting the log dirs prints to standard output,
 * which {@code ./mesh dev} keeps for its own progress lines: it goes to this class's log instead.
 */
final class LoopbackKafkaCluster {

  private static final Logger log = LoggerFactory.getLogger(LoopbackKafkaCluster.class);

  private static final String BROKER_LISTENER = "EXTERNAL";
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final String LOOPBACK = "127.0.0.1";

  private LoopbackKafkaCluster() {}

  /** How often a start whose listener port was taken in the meantime is tried again, on other ports. */
  private static final int STARTS = 3;

  /**
   * Starts the node with {@code settings} on top of the test kit's, and waits until the broker is ready.
   * Between closing a pre-opened socket and binding it again on loopback, another socket may take its port
   * (a client's ephemeral port, such as one of a client that keeps reconnecting to a broker that is down);
   * such a start is tried again, with new ports.
   */
  static KafkaClusterTestKit start(Map<String, String> settings) {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(settings);
      } catch (IllegalStateException e) {
        if (attempt == STARTS || !portTaken(e)) {
          throw e;
        }
        log.info("a listener's port was taken while the embedded Kafka broker started; starting it again");
      }
    }
  }

  private static boolean portTaken(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException) {
        return true;
      }
    }
    return false;
  }

  private static KafkaClusterTestKit startOnce(Map<String, String> settings) {
    TestKitNodes nodes = nodesWithoutExitHook();
    KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
    builder.setConfigProp("listeners",
        BROKER_LISTENER + "://" + LOOPBACK + ":0," + CONTROLLER_LISTENER + "://" + LOOPBACK + ":0");
    settings.forEach(builder::setConfigProp);
    KafkaClusterTestKit cluster = null;
    try {
      cluster = builder.build();
      closePreopenedSockets(cluster);
      formatQuietly(cluster);
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

  /** The nodes, in a temporary directory that no shutdown hook deletes behind the running broker. */
  private static synchronized TestKitNodes nodesWithoutExitHook() {
    Exit.setShutdownHookAdder((name, hook) -> {});
    try {
      return new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build();
    } finally {
      Exit.resetShutdownHookAdder();
    }
  }

  /** Formats the log dirs; what the formatter prints ("Formatting metadata directory ...") goes to the log. */
  private static synchronized void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = System.out;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      cluster.format();
    } finally {
      System.setOut(out);
    }
    printed.toString(StandardCharsets.UTF_8).lines().forEach(line -> log.debug("{}", line));
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
