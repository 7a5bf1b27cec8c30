package dev.workmesh.mcp.transport;

import dev.workmesh.core.WhenStopBegins;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

/**
 * Closes every MCP session, and with it each session's open SSE stream, when the service begins to stop:
 * in the first shutdown phase, before the web server's graceful shutdown waits for requests in flight. Left
 * to the server bean's destruction, the streams would hold that wait for its whole timeout.
 */
@Component
@ConditionalOnWebApplication
class McpSessionsCloser extends WhenStopBegins {

  private static final Logger log = LoggerFactory.getLogger(McpSessionsCloser.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  private final HttpServletStreamableServerTransportProvider transport;

  McpSessionsCloser(HttpServletStreamableServerTransportProvider transport) {
    this.transport = transport;
  }

  @Override
  protected void onStopBegins() {
    try {
      transport.closeGracefully().block(CLOSE_WAIT);
    } catch (RuntimeException e) {
      log.warn("closing the MCP sessions: {}", e.toString());
    }
  }

}
