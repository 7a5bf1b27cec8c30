package dev.workmesh.mcp.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Defaults, and start-up errors that name the key and say what is expected. */
class McpServerPropertiesTest {

  @Test
  void defaultsAreLocalAndSafe() {
    McpServerProperties p = new McpServerProperties(null, null, null, null, null, null);
    assertThat(p.apiUrl()).isEqualTo(URI.create("http://localhost:8080"));
    assertThat(p.allowedOrigins()).contains("http://localhost:*", "http://127.0.0.1:*");
    assertThat(p.allowedHosts()).containsExactly("localhost:*", "127.0.0.1:*", "[::1]:*");
    assertThat(p.maxWait()).isEqualTo(Duration.ofSeconds(60));
    assertThat(p.maxWaitSeconds()).isEqualTo(60);
    assertThat(p.tokenCacheTtl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(p.agentToken()).isNull();
  }

  @Test
  void stdioNeedsAnAgentTokenAndSaysWhere() {
    McpServerProperties p = new McpServerProperties(null, "  ", null, null, null, null);
    assertThatThrownBy(p::requireAgentToken).hasMessageContaining("MESH_AGENT_TOKEN")
        .hasMessageContaining("POST /work/agents");
    assertThat(new McpServerProperties(null, " wm_agent_x ", null, null, null, null).requireAgentToken())
        .isEqualTo("wm_agent_x");
  }

  @Test
  void invalidValuesNameTheirKey() {
    assertThatThrownBy(() -> new McpServerProperties(URI.create("ftp://mesh"), null, null, null, null, null))
        .hasMessageContaining("mcp-server.api-url");
    assertThatThrownBy(() -> new McpServerProperties(null, null, List.of("*"), null, null, null))
        .hasMessageContaining("mcp-server.allowed-origins").hasMessageContaining("explicitly");
    assertThatThrownBy(() -> new McpServerProperties(null, null, null, List.of(), null, null))
        .hasMessageContaining("mcp-server.allowed-hosts");
    assertThatThrownBy(() -> new McpServerProperties(null, null, null, null, Duration.ofMinutes(11), null))
        .hasMessageContaining("mcp-server.max-wait");
    assertThatThrownBy(() -> new McpServerProperties(null, null, null, null, null, Duration.ofSeconds(-1)))
        .hasMessageContaining("mcp-server.token-cache-ttl");
  }
}
