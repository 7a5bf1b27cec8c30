package dev.workmesh.mcp;

import dev.workmesh.client.model.EnrolledAgent;
import io.modelcontextprotocol.client.McpSyncClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The agent scenarios over Streamable HTTP: the MCP client's bearer token decides which agent it acts as. */
class McpToolsOverHttpTest extends MeshToolScenarios {

  private static InProcessMcpServer server;
  private static EnrolledAgent agent;
  private static McpSyncClient client;

  @BeforeAll
  static void start() {
    server = new InProcessMcpServer(InProcessMesh.get().baseUrl());
    agent = InProcessMesh.get().enrolAgent();
    client = McpTestClients.http(server.baseUrl(), agent.token());
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.closeGracefully();
    }
    if (server != null) {
      server.close();
    }
  }

  @Override
  McpSyncClient mcp() {
    return client;
  }

  @Override
  EnrolledAgent agent() {
    return agent;
  }
}
