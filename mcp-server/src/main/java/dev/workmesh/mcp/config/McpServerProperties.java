package dev.workmesh.mcp.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Every setting of the MCP server, under the prefix {@code mcp-server} (file {@code mcp-server.yml}, or
 * environment variables such as {@code MCP_SERVER_API_URL}). Defaults are given per field; invalid
 * values stop the server at start-up with a message that names the key.
 *
 * @param apiUrl where mesh-api answers (default {@code http://localhost:8080}; also {@code MESH_API_URL})
 * @param agentToken stdio mode only: the token of the one agent this server acts as, as {@code POST
 *     /work/agents} returned it (also {@code MESH_AGENT_TOKEN}); required with {@code --stdio}, ignored over
 *     HTTP, where each request's bearer token decides the agent
 * @param allowedOrigins HTTP only: browser origins allowed to call {@code /mcp} (DNS-rebinding protection);
 *     a request without an Origin header is not a browser's and passes. Entries are exact origins or
 *     {@code scheme://host:*} for any port (default: localhost, 127.0.0.1 and [::1] on any port, http and https)
 * @param allowedHosts HTTP only: Host header values accepted on {@code /mcp}, exact or {@code host:*} for any
 *     port (default: localhost, 127.0.0.1 and [::1] on any port). List the names clients use when the server
 *     is reached through another name, e.g. {@code mcp.example.com}
 * @param maxWait the longest wait {@code claim_mesh_task} (a long-poll) and {@code await_mesh_task} accept as
 *     {@code wait_seconds} (default 60s, between 0s and 10m); mesh-api's {@code mesh-api.max-claim-wait} must
 *     be at least as long
 * @param tokenCacheTtl HTTP only: how long a bearer token mesh-api accepted is trusted before it is checked
 *     again (default 60s; 0 checks on every request). mesh-api still checks every call the tools make
 */
@ConfigurationProperties("mcp-server")
public record McpServerProperties(
    URI apiUrl,
    String agentToken,
    List<String> allowedOrigins,
    List<String> allowedHosts,
    Duration maxWait,
    Duration tokenCacheTtl) {

  static final List<String> LOCAL_ORIGINS = List.of("http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*",
      "https://localhost:*", "https://127.0.0.1:*", "https://[::1]:*");
  static final List<String> LOCAL_HOSTS = List.of("localhost:*", "127.0.0.1:*", "[::1]:*");

  public McpServerProperties {
    apiUrl = apiUrl == null ? URI.create("http://localhost:8080") : apiUrl;
    if (!("http".equals(apiUrl.getScheme()) || "https".equals(apiUrl.getScheme()))
        || apiUrl.getHost() == null) {
      throw new IllegalArgumentException("mcp-server.api-url must be an http(s) URL of mesh-api such as"
          + " http://localhost:8080 (or set MESH_API_URL), got '" + apiUrl + "'");
    }
    agentToken = agentToken == null || agentToken.isBlank() ? null : agentToken.strip();
    allowedOrigins = patterns("mcp-server.allowed-origins", allowedOrigins, LOCAL_ORIGINS,
        "an origin such as https://app.example.com or http://localhost:*");
    allowedHosts = patterns("mcp-server.allowed-hosts", allowedHosts, LOCAL_HOSTS,
        "a host such as mcp.example.com, mcp.example.com:8443 or localhost:*");
    maxWait = maxWait == null ? Duration.ofSeconds(60) : maxWait;
    if (maxWait.isNegative() || maxWait.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("mcp-server.max-wait must be between 0s and 10m, got " + maxWait);
    }
    tokenCacheTtl = tokenCacheTtl == null ? Duration.ofSeconds(60) : tokenCacheTtl;
    if (tokenCacheTtl.isNegative() || tokenCacheTtl.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("mcp-server.token-cache-ttl must be between 0s and 1h, got " + tokenCacheTtl);
    }
  }

  /** The stdio agent's token, or a start-up error that says how to provide it. */
  public String requireAgentToken() {
    if (agentToken == null) {
      throw new IllegalStateException("mcp-server.agent-token is not set: with --stdio the server acts as one agent."
          + " Set MESH_AGENT_TOKEN (or mcp-server.agent-token) to the token the operator received when enrolling"
          + " the agent with POST /work/agents");
    }
    return agentToken;
  }

  /** The longest long-poll in whole seconds, as the claim tool's schema states it. */
  public int maxWaitSeconds() {
    return (int) maxWait.toSeconds();
  }

  private static List<String> patterns(String key, List<String> values, List<String> defaults, String example) {
    if (values == null) {
      return defaults;
    }
    if (values.isEmpty()) {
      throw new IllegalArgumentException(key + " must not be empty: list at least one entry, e.g. " + example);
    }
    for (String value : values) {
      if (value == null || value.isBlank() || value.strip().equals("*")) {
        throw new IllegalArgumentException(key + " has an entry '" + value + "': each entry must be " + example
            + " (a bare '*' is not accepted; list the names explicitly)");
      }
    }
    return values.stream().map(String::strip).toList();
  }
}
