package dev.workmesh.mcp;

import java.util.ArrayList;
import java.util.List;
import org.springframework.context.ConfigurableApplicationContext;

/** The MCP server over Streamable HTTP, in-process on a random port, as {@code main} would start it. */
final class InProcessMcpServer implements AutoCloseable {

  private final ConfigurableApplicationContext context;
  private final String baseUrl;

  InProcessMcpServer(String meshApiUrl, String... extraArgs) {
    List<String> args = new ArrayList<>(List.of("--server.port=0", "--mcp-server.api-url=" + meshApiUrl));
    args.addAll(List.of(extraArgs));
    context = McpServerApplication.builder(false).run(args.toArray(String[]::new));
    baseUrl = "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
  }

  String baseUrl() {
    return baseUrl;
  }

  int port() {
    return Integer.parseInt(baseUrl.substring(baseUrl.lastIndexOf(':') + 1));
  }

  @Override
  public void close() {
    context.close();
  }
}
