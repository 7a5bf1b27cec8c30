package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.api.config.MeshApiProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.RequestGroupInfo;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;

/**
 * The running connector takes the long-poll ceiling with room to spare, holds small socket buffers per
 * connection, and registers no request processor per connection, so new connections share no lock there.
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

  @Test
  void connectionsRegisterNoRequestProcessor() throws Exception {
    AbstractProtocol<?> protocol = (AbstractProtocol<?>) ((TomcatWebServer) context.getWebServer()).getTomcat()
        .getConnector().getProtocolHandler();
    assertThat(protocol.getClass().getSimpleName()).isEqualTo("NoJmxHttp11NioProtocol");
    for (int i = 0; i < 20; i++) { // a client of its own per request: a new connection, so a new processor, each
      try (HttpClient fresh = HttpClient.newHttpClient()) {
        HttpResponse<Void> health = fresh.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health"))
            .build(), HttpResponse.BodyHandlers.discarding());
        assertThat(health.statusCode()).isEqualTo(200);
      }
    }
    RequestGroupInfo statistics = (RequestGroupInfo) protocol.getHandler().getGlobal();
    assertThat(statistics.getRequestCount()).as("requests counted by registered processors").isZero();
  }
}
