package dev.workmesh.mcp.transport;

import dev.workmesh.mcp.McpServerApplication;
import dev.workmesh.mcp.resources.MeshResources;
import dev.workmesh.mcp.tools.MeshCallerResolver;
import dev.workmesh.mcp.tools.MeshToolCatalog;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;

/**
 * The one MCP server definition both transports run: the same name, instructions, tools, resources and
 * validation.
 */
final class MeshMcpServer {

  static final String NAME = "workmesh";

  private MeshMcpServer() {}

  /** The SDK's Jackson 3 mapper (found by its service loader), for the protocol's own JSON. */
  static McpJsonMapper jsonMapper() {
    return McpJsonDefaults.getMapper();
  }

  /**
   * @param immediateExecution run tool handlers on the calling thread: true for HTTP, where that is a
   *     request's (virtual) thread; false for stdio, whose single reader thread must keep reading
   */
  static McpSyncServer build(McpServer.SyncSpecification<?> spec, MeshToolCatalog catalog, MeshCallerResolver callers,
      boolean immediateExecution) {
    String version = McpServerApplication.class.getPackage().getImplementationVersion();
    return spec
        .serverInfo(NAME, version == null ? "dev" : version)
        .instructions(MeshToolCatalog.INSTRUCTIONS)
        // Resources can be subscribed to (a task's subscribers hear when it ends); their list never changes.
        .capabilities(ServerCapabilities.builder().tools(false).resources(true, false).logging().build())
        .jsonMapper(jsonMapper())
        // The SDK checks every call's arguments against the tool's input schema and answers isError: true
        // with the violations; the tools only see arguments of the declared shape.
        .validateToolInputs(true)
        .immediateExecution(immediateExecution)
        .tools(catalog.specifications(callers))
        .resources(MeshResources.resources(callers))
        .resourceTemplates(MeshResources.templates(callers))
        .build();
  }
}
