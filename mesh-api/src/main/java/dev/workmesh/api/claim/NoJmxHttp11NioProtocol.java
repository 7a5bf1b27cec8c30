package dev.workmesh.api.claim;

import org.apache.coyote.Processor;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.NioChannel;

/**
 * Tomcat's NIO HTTP/1.1 protocol without the JMX registration of each connection's request processor.
 *
 * <p>Tomcat registers every request processor it creates (one per open connection beyond those it recycles)
 * under its connection handler's one lock, to sum request statistics for a JMX bean, and unregisters it under
 * the same lock when the connection closes. mesh-api publishes no Tomcat JMX beans (Spring Boot disables
 * Tomcat's MBean registry), so the statistics are never read, yet the lock stays: when thousands of long-polls
 * connect at once, each new connection's virtual thread queues on it, and on a busy machine every hand-over
 * of the lock waits for a carrier thread behind the others, so the storm's intake crawled. This protocol's
 * connection handler skips both, and nothing else changes.
 */
public class NoJmxHttp11NioProtocol extends Http11NioProtocol {

  public NoJmxHttp11NioProtocol() {
    ConnectionHandler<NioChannel> handler = new ConnectionHandler<>(this) {
      @Override
      protected void register(Processor processor) {
        // nothing reads the statistics: see the class comment
      }

      @Override
      protected void unregister(Processor processor) {
        // never registered
      }
    };
    getEndpoint().setHandler(handler);
    setHandler(handler);
  }
}
