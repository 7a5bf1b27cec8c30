package dev.workmesh.mcp.transport;

import dev.workmesh.client.MeshClient;
import dev.workmesh.mcp.config.McpServerProperties;
import dev.workmesh.mcp.config.MeshClients;
import dev.workmesh.mcp.resources.TaskSubscriptions;
import dev.workmesh.mcp.tools.MeshToolCatalog;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnNotWebApplication;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The stdio transport ({@code --stdio}): one client, one agent. Every tool call acts as the agent whose
 * token is configured ({@code mcp-server.agent-token}); the protocol reads stdin and writes the real
 * stdout (see {@link StdioStreams}), and the process ends when stdin does.
 */
@Component
@ConditionalOnNotWebApplication
public class StdioTransport implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(StdioTransport.class);

  private final MeshToolCatalog catalog;
  private final MeshClient agent;
  private final String meshApiUrl;
  private final TaskSubscriptions subscriptions = new TaskSubscriptions();
  private volatile McpSyncServer server;

  public StdioTransport(McpServerProperties properties, MeshClients clients, MeshToolCatalog catalog) {
    this.catalog = catalog;
    this.agent = clients.forToken(properties.requireAgentToken());
    this.meshApiUrl = clients.apiUrl();
  }

  @Override
  public void start() {
    StdioServerTransportProvider transport;
    try {
      transport = new StdioServerTransportProvider(MeshMcpServer.jsonMapper(),
          StdioStreams.protocolIn(uri -> subscriptions.subscribed(uri, agent, "stdio")), StdioStreams.protocolOut(),
          StdioStreams.MAX_LINE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot connect stdin to the MCP transport", e);
    }
    server = MeshMcpServer.build(McpServer.sync(transport), catalog, exchange -> agent, false);
    subscriptions.notifyThrough(server);
    log.info("MCP server on stdio, acting as the configured agent against {}", meshApiUrl);
  }

  @Override
  public void stop() {
    McpSyncServer running = server;
    server = null;
    if (running != null) {
      running.closeGracefully();
    }
  }

  @Override
  public boolean isRunning() {
    return server != null;
  }

  /** Blocks until the client closes stdin; then the process should exit. */
  public void awaitEndOfInput() throws InterruptedException {
    StdioStreams.awaitEndOfInput();
  }
}
