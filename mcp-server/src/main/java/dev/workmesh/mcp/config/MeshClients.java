package dev.workmesh.mcp.config;

import dev.workmesh.client.MeshClient;
import java.time.Duration;
import org.springframework.stereotype.Component;

/** Makes the mesh-api clients the tools call through: one per token, each acting as that token's caller. */
@Component
public class MeshClients {

  /** Headroom above the longest long-poll before a call to mesh-api counts as hung. */
  private static final Duration READ_MARGIN = Duration.ofSeconds(15);

  private final McpServerProperties properties;

  public MeshClients(McpServerProperties properties) {
    this.properties = properties;
  }

  /** A client of mesh-api that sends {@code token} as its bearer token. */
  public MeshClient forToken(String token) {
    return new MeshClient(properties.apiUrl().toString(), token, properties.maxWait().plus(READ_MARGIN));
  }

  public String apiUrl() {
    return properties.apiUrl().toString();
  }
}
