package dev.workmesh.mcp.tools;

import dev.workmesh.client.MeshClient;
import io.modelcontextprotocol.server.McpSyncServerExchange;

/**
 * Who a tool call acts as. Over stdio that is the one configured agent; over HTTP it is the caller whose
 * bearer token authenticated the request. The tools never decide identity themselves.
 */
@FunctionalInterface
public interface MeshCallerResolver {

  /** The mesh-api client acting as the caller of this exchange. */
  MeshClient meshClientFor(McpSyncServerExchange exchange);
}
