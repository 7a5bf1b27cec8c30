package dev.workmesh.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/** The SDK's own MCP client, as the tests use it, and small readers of tool results. */
final class McpTestClients {

  /** What every test client heard of resources it subscribed to, as the client re-read them. */
  private static final Queue<TextResourceContents> RESOURCE_UPDATES = new ConcurrentLinkedQueue<>();

  private McpTestClients() {}

  /** The contents of {@code uri} each time a client heard it was updated. */
  static List<String> updatesOf(String uri) {
    return RESOURCE_UPDATES.stream().filter(c -> c.uri().equals(uri)).map(TextResourceContents::text).toList();
  }

  /** A Streamable HTTP client of {@code baseUrl}/mcp that sends {@code token} as its bearer token. */
  static McpSyncClient http(String baseUrl, String token) {
    HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(baseUrl)
        .endpoint("/mcp")
        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
        .build();
    return connect(transport);
  }

  static McpSyncClient connect(McpClientTransport transport) {
    McpSyncClient client = McpClient.sync(transport)
        .clientInfo(new Implementation("workmesh-tests", "1"))
        // Long-polls hold a call for up to their wait; the default 20s would cut them off.
        .requestTimeout(Duration.ofSeconds(90))
        .initializationTimeout(Duration.ofSeconds(90))
        // Check every structured result against the tool's output schema, as a strict client would.
        .enableCallToolSchemaCaching(true)
        .resourcesUpdateConsumer(contents -> contents.forEach(c -> {
          if (c instanceof TextResourceContents text) {
            RESOURCE_UPDATES.add(text);
          }
        }))
        .build();
    client.initialize();
    return client;
  }

  static CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments) {
    return client.callTool(new CallToolRequest(tool, arguments));
  }

  /** The structured content of a successful result. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> ok(CallToolResult result) {
    assertThat(result.isError()).as("tool error: %s", text(result)).isNotEqualTo(Boolean.TRUE);
    assertThat(result.structuredContent()).isInstanceOf(Map.class);
    return (Map<String, Object>) result.structuredContent();
  }

  /** The text of an error result. */
  static String error(CallToolResult result) {
    assertThat(result.isError()).as("expected an error, got %s", result).isTrue();
    return text(result);
  }

  static String text(CallToolResult result) {
    return result.content().stream()
        .filter(TextContent.class::isInstance)
        .map(c -> ((TextContent) c).text())
        .collect(Collectors.joining("\n"));
  }

  static io.modelcontextprotocol.json.McpJsonMapper json() {
    return McpJsonDefaults.getMapper();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }
}
