package dev.workmesh.api.claim;

import dev.workmesh.api.config.MeshApiProperties;
import org.apache.coyote.AbstractProtocol;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The connections of long-polls. Each waiting claim holds an open connection, and Tomcat keeps that
 * connection's buffers for as long as it waits; so the connector must take at least {@code
 * mesh-api.long-poll.max-waiting} connections and some for everything else, and each connection should hold
 * no more buffer than a mesh-api request needs.
 *
 * <ul>
 *   <li>Tomcat's socket buffers ({@code socket.appReadBufSize}, {@code socket.appWriteBufSize}) are
 *       {@value #SOCKET_BUFFER_BYTES} bytes instead of 8 KiB each: mesh-api's requests and answers are small
 *       JSON, a larger body is read and written in several passes, and the request-header buffer (its size
 *       plus the read buffer) shrinks with them. That saves 12 KiB per open connection.
 *   <li>The connector runs {@link NoJmxHttp11NioProtocol}: Tomcat's own protocol without the per-connection
 *       JMX registration that made thousands of connections arriving at once queue on one lock.
 *   <li>Start-up fails when {@code server.tomcat.max-connections} leaves fewer than {@value #HEADROOM}
 *       connections beside the long-poll ceiling: past max-connections Tomcat stops accepting, and the next
 *       connections wait unanswered in the accept queue until others close, the silent queueing the ceiling
 *       exists to prevent.
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class LongPollConnections {

  /** Bytes of each of Tomcat's two socket buffers per connection (Tomcat's own default: 8192). */
  static final int SOCKET_BUFFER_BYTES = 4096;
  /** Connections Tomcat must take beside {@code mesh-api.long-poll.max-waiting}, for every other request. */
  static final int HEADROOM = 1024;

  @Bean
  TomcatConnectorCustomizer smallSocketBuffers() {
    return connector -> {
      for (String buffer : new String[] {"socket.appReadBufSize", "socket.appWriteBufSize"}) {
        if (!connector.setProperty(buffer, Integer.toString(SOCKET_BUFFER_BYTES))) {
          throw new IllegalStateException("Tomcat's connector took no " + buffer);
        }
      }
    };
  }

  @Bean
  WebServerFactoryCustomizer<TomcatWebServerFactory> protocolWithoutJmxRegistration() {
    return factory -> factory.setProtocol(NoJmxHttp11NioProtocol.class.getName());
  }

  @Bean
  ApplicationListener<WebServerInitializedEvent> roomForTheLongPollCeiling(MeshApiProperties properties) {
    return event -> { // the API's own server: not a management server on a port of its own (namespace "management")
      if (event.getApplicationContext().getServerNamespace() == null
          && event.getWebServer() instanceof TomcatWebServer tomcat
          && tomcat.getTomcat().getConnector().getProtocolHandler() instanceof AbstractProtocol<?> protocol) {
        requireRoom(protocol.getMaxConnections(), properties.longPoll().maxWaiting());
      }
    };
  }

  /** Fails unless {@code maxConnections} takes {@code maxWaiting} long-polls and {@link #HEADROOM} more. */
  static void requireRoom(int maxConnections, int maxWaiting) {
    if (maxConnections >= 0 && (long) maxConnections < (long) maxWaiting + HEADROOM) {
      throw new IllegalStateException("server.tomcat.max-connections (" + maxConnections + ") must be at least "
          + "mesh-api.long-poll.max-waiting (" + maxWaiting + ") plus " + HEADROOM + " for other requests: past it"
          + " new connections would wait unanswered in the accept queue; raise the one or lower the other");
    }
  }
}
