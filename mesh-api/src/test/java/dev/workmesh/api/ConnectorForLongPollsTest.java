package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.api.config.MeshApiProperties;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;

/**
 * The running connector takes the long-poll ceiling with room to spare, and holds small socket buffers per
 * connection.
 */
class ConnectorForLongPollsTest extends ApiTestBase {

  @Autowired ServletWebServerApplicationContext context;
  @Autowired MeshApiProperties properties;

  @Test
  void theConnectorTakesEveryWaitingClaimAndMoreWithSmallBuffers() {
    Connector connector = ((TomcatWebServer) context.getWebServer()).getTomcat().getConnector();
    int maxConnections = ((AbstractProtocol<?>) connector.getProtocolHandler()).getMaxConnections();
    assertThat(maxConnections).isEqualTo(16_384)
        .isGreaterThanOrEqualTo(properties.longPoll().maxWaiting() + 1024);
    assertThat(connector.getProperty("socket.appReadBufSize")).hasToString("4096");
    assertThat(connector.getProperty("socket.appWriteBufSize")).hasToString("4096");
  }
}
