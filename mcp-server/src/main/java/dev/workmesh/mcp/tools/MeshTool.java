package dev.workmesh.mcp.tools;

import dev.workmesh.client.MeshClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;

/**
 * One MCP tool of the mesh: its contract (name, description, input and output schemas) next to what it
 * does. Implementations call mesh-api through the given client and let {@link MeshToolCatalog} turn
 * errors into {@code isError} results.
 */
public interface MeshTool {

  Tool definition();

  CallToolResult call(MeshClient mesh, ToolArguments arguments);
}
