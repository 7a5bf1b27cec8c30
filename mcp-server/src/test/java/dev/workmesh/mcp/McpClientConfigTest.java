package dev.workmesh.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.testsupport.agents.RunsRealAgentClis;
import java.io.IOException;
import io.modelcontextprotocol.client.McpSyncClient;
import java.net.URI;
import java.time.Duration;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The client configurations the README documents connect the pinned agent CLIs to the MCP server over
 * Streamable HTTP with an agent's bearer token, as each CLI itself reports; a wrong token is reported
 * as a failed connection. Each CLI gets a private home: the machine user's config is never read or written.
 */
@RunsRealAgentClis
class McpClientConfigTest {

  private static final String SERVER = "workmesh";
  private static final String WRONG_SERVER = "workmesh-wrong-token";
  private static final String WRONG_TOKEN = "wm_agent_" + "x".repeat(43);
  private static final List<String> AGENT_TOOLS = List.of("submit_mesh_task", "claim_mesh_task", "retry_mesh_task");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static InProcessMcpServer server;
  private static EnrolledAgent agent;
  private static String mcpUrl;

  @TempDir
  Path homes;

  @BeforeAll
  static void start() throws IOException, InterruptedException {
    server = new InProcessMcpServer(InProcessMesh.get().baseUrl());
    agent = InProcessMesh.get().enrolAgent();
    mcpUrl = server.baseUrl() + "/mcp";
    warmUp();
  }

  /**
   * One connection with the SDK's client and one refused request first, so that the CLIs' own
   * connection timeouts measure the server and not this JVM's first requests on a busy machine.
   */
  private static void warmUp() throws IOException, InterruptedException {
    McpSyncClient sdk = McpTestClients.http(server.baseUrl(), agent.token());
    try {
      assertThat(sdk.listTools().tools()).isNotEmpty();
    } finally {
      sdk.closeGracefully();
    }
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(mcpUrl))
          .header("Authorization", "Bearer " + WRONG_TOKEN)
          .header("Content-Type", "application/json")
          .header("Accept", "application/json, text/event-stream")
          .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(401);
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void claudeCodeConnectsWithTheAgentTokenAndListsTheMeshTools() {
    AgentCli claude = new AgentCli("claude", homes.resolve("claude"));
    addClaudeServer(claude, SERVER, agent.token());
    addClaudeServer(claude, WRONG_SERVER, WRONG_TOKEN);

    AgentCli.Result list = claude.run("mcp", "list");

    assertThat(list.exitCode()).as(list.output()).isZero();
    assertThat(lineOf(list.output(), SERVER + ":"))
        .isEqualTo(SERVER + ": " + mcpUrl + " (HTTP) - ✔ Connected");
    // The reason follows (HTTP 401, or a probe's timeout on a busy machine); the verdict is what counts.
    assertThat(lineOf(list.output(), WRONG_SERVER + ":"))
        .startsWith(WRONG_SERVER + ": " + mcpUrl + " (HTTP) - ✘ Failed to connect");

    // claude mcp list shows no tools; the session's init event does, before any model is asked. It is
    // printed once the servers answered or their start-up wait ran out, so a busy machine may need a second.
    JsonNode init = await().atMost(Duration.ofMinutes(9)).pollInterval(Duration.ofSeconds(1))
        .until(() -> sessionInit(claude), event -> "connected".equals(serverStatus(event.get("mcp_servers"), SERVER)));
    List<String> tools = texts(init.get("tools"));
    AGENT_TOOLS.forEach(tool -> assertThat(tools).contains("mcp__" + SERVER + "__" + tool));
    assertThat(tools).noneMatch(tool -> tool.startsWith("mcp__" + WRONG_SERVER + "__"));
    assertThat(serverStatus(init.get("mcp_servers"), WRONG_SERVER)).isNotEqualTo("connected");
  }

  private static JsonNode sessionInit(AgentCli claude) {
    return JSON.readTree(claude.firstLine(line -> line.contains("\"subtype\":\"init\""), List.of(),
        "-p", "list your tools", "--output-format", "stream-json", "--verbose"));
  }

  @Test
  void codexConnectsWithTheBearerTokenEnvVarAndListsTheMeshTools() throws IOException {
    AgentCli codex = new AgentCli("codex", homes.resolve("codex"))
        .env("MESH_AGENT_TOKEN", agent.token())
        .env("WRONG_MESH_AGENT_TOKEN", WRONG_TOKEN);
    Path config = codex.home().resolve(".codex/config.toml");
    Files.createDirectories(config.getParent());
    Files.writeString(config, "check_for_update_on_startup = false\n\n[analytics]\nenabled = false\n\n");
    addCodexServer(codex, SERVER, "MESH_AGENT_TOKEN");
    addCodexServer(codex, WRONG_SERVER, "WRONG_MESH_AGENT_TOKEN");
    assertThat(Files.readString(config)).contains("[mcp_servers." + SERVER + "]\nurl = \"" + mcpUrl
        + "\"\nbearer_token_env_var = \"MESH_AGENT_TOKEN\"");

    // codex mcp list reads the configuration only; it does not connect.
    AgentCli.Result list = codex.run("mcp", "list");
    assertThat(list.exitCode()).as(list.output()).isZero();
    assertThat(lineOf(list.output(), SERVER + " ")).contains(mcpUrl).contains("MESH_AGENT_TOKEN");

    // The app server (what Codex's own clients use) connects to every configured server and reports
    // each one's tools, or why it has none.
    JsonNode status = JSON.readTree(codex.firstLine(line -> line.startsWith("{\"id\":2,"), List.of(
            "{\"id\":1,\"method\":\"initialize\","
                + "\"params\":{\"clientInfo\":{\"name\":\"workmesh-test\",\"version\":\"1\"}}}",
            "{\"method\":\"initialized\"}",
            "{\"id\":2,\"method\":\"mcpServerStatus/list\",\"params\":{\"detail\":\"toolsAndAuthOnly\"}}"),
        "app-server", "-c", "mcp_servers." + SERVER + ".startup_timeout_sec=120",
        // The refused server only has to fail: a short wait bounds how long the answer can take.
        "-c", "mcp_servers." + WRONG_SERVER + ".startup_timeout_sec=15"));
    JsonNode connected = serverNamed(status.at("/result/data"), SERVER);
    assertThat(connected.path("toolsError").isNull()).as(connected.toString()).isTrue();
    List<String> tools = new ArrayList<>(connected.get("tools").propertyNames());
    assertThat(tools).containsAll(AGENT_TOOLS);
    assertThat(connected.path("authStatus").asString()).isEqualTo("bearerToken");

    // The reason is "Auth required", or a handshake timeout on a busy machine; the verdict is what counts.
    JsonNode refused = serverNamed(status.at("/result/data"), WRONG_SERVER);
    assertThat(refused.get("tools").isEmpty()).isTrue();
    assertThat(refused.path("toolsError").asString()).startsWith("MCP startup failed");
  }

  @Test
  void geminiConnectsWithTheSettingsFileHeaders() throws IOException {
    AgentCli gemini = new AgentCli("gemini", homes.resolve("gemini"))
        .env("MESH_AGENT_TOKEN", agent.token());
    Path settings = gemini.home().resolve(".gemini/settings.json");
    Files.createDirectories(settings.getParent());
    // The token stays out of the file: Gemini CLI expands $VAR and ${VAR} in settings values.
    Files.writeString(settings, """
        {
          "mcpServers": {
            "%s": {
              "httpUrl": "%s",
              "headers": {"Authorization": "Bearer ${MESH_AGENT_TOKEN}"},
              "timeout": 120000
            },
            "%s": {
              "httpUrl": "%s",
              "headers": {"Authorization": "Bearer %s"}
            }
          },
          "security": {"auth": {"selectedType": "gemini-api-key"}},
          "general": {"enableAutoUpdate": false, "enableAutoUpdateNotification": false},
          "privacy": {"usageStatisticsEnabled": false},
          "telemetry": {"enabled": false}
        }
        """.formatted(SERVER, mcpUrl, WRONG_SERVER, mcpUrl, WRONG_TOKEN));
    // "timeout" is also what `gemini mcp list` waits for the handshake (5 s when unset): a busy machine
    // must not read as a server that does not connect.
    // Gemini CLI starts no MCP server, not even a user-level one, in a folder the user has not trusted.
    Files.writeString(gemini.home().resolve(".gemini/trustedFolders.json"),
        JSON.writeValueAsString(Map.of(gemini.workDir().toString(), "TRUST_FOLDER")));

    AgentCli.Result list = gemini.run("mcp", "list");

    assertThat(list.exitCode()).as(list.output()).isZero();
    assertThat(lineOf(list.output(), SERVER + ":"))
        .isEqualTo("✓ " + SERVER + ": " + mcpUrl + " (http) - Connected");
    assertThat(lineOf(list.output(), WRONG_SERVER + ":")).endsWith("- Disconnected");
  }

  private static void addClaudeServer(AgentCli claude, String name, String token) {
    AgentCli.Result added = claude.run("mcp", "add", "--scope", "user", "--transport", "http", name, mcpUrl,
        "--header", "Authorization: Bearer " + token);
    assertThat(added.exitCode()).as(added.output()).isZero();
  }

  private static void addCodexServer(AgentCli codex, String name, String tokenVariable) {
    AgentCli.Result added = codex.run("mcp", "add", name, "--url", mcpUrl, "--bearer-token-env-var", tokenVariable);
    assertThat(added.exitCode()).as(added.output()).isZero();
  }

  /** The one line of a CLI's listing that names a server, {@code prefix} first or after a status mark. */
  private static String lineOf(String output, String prefix) {
    Pattern markThenPrefix = Pattern.compile("^\\S+ " + Pattern.quote(prefix) + ".*");
    List<String> lines = output.lines().map(String::strip)
        .filter(line -> line.startsWith(prefix) || markThenPrefix.matcher(line).matches())
        .toList();
    assertThat(lines).as("the line about %s in:%n%s", prefix, output).hasSize(1);
    return lines.getFirst();
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asString()));
    return texts;
  }

  private static String serverStatus(JsonNode servers, String name) {
    return serverNamed(servers, name).path("status").asString();
  }

  private static JsonNode serverNamed(JsonNode servers, String name) {
    for (JsonNode server : servers) {
      if (name.equals(server.path("name").asString())) {
        return server;
      }
    }
    throw new AssertionError("no server named " + name + " in " + servers);
  }
}
