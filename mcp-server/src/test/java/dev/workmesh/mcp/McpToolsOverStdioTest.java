package dev.workmesh.mcp;

import static dev.workmesh.mcp.McpTestClients.call;
import static dev.workmesh.mcp.McpTestClients.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.model.EnrolledAgent;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent scenarios over stdio, with the MCP server as a real child process ({@code java ...
 * McpServerApplication --stdio}, the test classpath) acting as the agent whose token is in its environment,
 * as {@code claude mcp add} would run it. A copy of everything the child writes to stdout is kept ({@code
 * tee}) to prove that nothing but JSON-RPC ever appears there.
 */
class McpToolsOverStdioTest extends MeshToolScenarios {

  private static EnrolledAgent agent;
  private static McpSyncClient client;
  private static Path stdoutCopy;
  private static final Queue<String> stderr = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() throws IOException {
    agent = InProcessMesh.get().enrolAgent();
    stdoutCopy = Files.createTempFile("mcp-stdio-", ".jsonl");
    String serverCommand = String.join(" ", javaCommand().stream().map(McpToolsOverStdioTest::quote).toList());
    // exec: the JVM is the process the client talks to and stops; tee copies its stdout on the way.
    ServerParameters server = ServerParameters.builder("bash")
        .args("-c", "exec " + serverCommand + " > >(tee " + quote(stdoutCopy.toString()) + ")")
        .addEnvVar("MESH_API_URL", InProcessMesh.get().baseUrl())
        .addEnvVar("MESH_AGENT_TOKEN", agent.token())
        .build();
    StdioClientTransport transport = new StdioClientTransport(server, McpTestClients.json());
    transport.setStdErrorHandler(line -> {
      stderr.add(line);
      System.err.println("[mcp-server stderr] " + line);
    });
    client = McpTestClients.connect(transport);
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.closeGracefully();
    }
    // The child is ours; make sure it is gone even if the client could not stop it.
    ProcessHandle.current().descendants()
        .filter(p -> p.info().commandLine().orElse("").contains(McpServerApplication.class.getName()))
        .forEach(ProcessHandle::destroy);
  }

  @Override
  McpSyncClient mcp() {
    return client;
  }

  @Override
  EnrolledAgent agent() {
    return agent;
  }

  @Test
  void stdoutCarriesNothingButJsonRpcAndLogsGoToStderr() throws IOException {
    ok(call(client, "list_missions", Map.of("limit", 1)));
    call(client, "get_mesh_task", Map.of("task_id", "not-a-uuid"));
    JsonMapper json = JsonMapper.builder().build();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(Files.readAllLines(stdoutCopy)).hasSizeGreaterThanOrEqualTo(3));
    List<String> lines = Files.readAllLines(stdoutCopy);
    assertThat(lines).allSatisfy(line -> {
      JsonNode message = json.readTree(line);
      assertThat(message.path("jsonrpc").asString()).as("not JSON-RPC: %s", line).isEqualTo("2.0");
    });
    // The server did log: it all went to stderr.
    assertThat(stderr).anyMatch(line -> line.contains("MCP server on stdio"));
  }

  @Test
  void aBrokenMessageIsAnsweredAsTheSpecSaysAndTheSessionGoesOnUntilStdinCloses() throws Exception {
    // A raw child this time: the SDK's client never writes a broken line, and it would stop the process itself.
    ProcessBuilder builder = new ProcessBuilder(javaCommand());
    builder.environment().put("MESH_API_URL", InProcessMesh.get().baseUrl());
    builder.environment().put("MESH_AGENT_TOKEN", agent.token());
    Path childStderr = Files.createTempFile("mcp-stdio-stderr-", ".log");
    builder.redirectError(childStderr.toFile());
    Process child = builder.start();
    try (var in = child.outputWriter(); var out = child.inputReader()) {
      in.write("""
          {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}
          this is not JSON-RPC
          {"jsonrpc":"2.0","method":"notifications/initialized"}
          {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_mesh_task","arguments":["task_id"]}}
          {"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"submit_mesh_task","arguments":{"mission_id":"01890a5d-ac96-774b-bcce-b302099a8057","title":"t","priority":1e30}}}
          {"jsonrpc":"2.0","id":5,"method":"initialize","params":{"protocolVersion":42,"capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}
          [{"jsonrpc":"2.0","id":6,"method":"tools/list"}]
          {"jsonrpc":"2.0","id":2,"method":"tools/list"}
          """);
      in.flush();
      JsonMapper json = JsonMapper.builder().build();
      Map<String, JsonNode> answers = new java.util.HashMap<>();
      while (!answers.containsKey("2")) {
        JsonNode answer = json.readTree(out.readLine());
        answers.put(answer.path("id").isNull() ? "null-" + answer.path("error").path("code").asInt()
            : answer.path("id").asString(), answer);
      }
      assertThat(answers.get("1").path("result").path("serverInfo").path("name").asString()).isEqualTo("workmesh");
      assertThat(answers.get("2").path("result").path("tools").size()).isEqualTo(TOOLS.size());
      assertThat(answers.get("null-" + -32700).path("error").path("message").asString()).contains("not valid JSON");
      assertThat(answers.get("null-" + -32600).path("error").path("message").asString()).contains("batches");
      assertThat(answers.get("3").path("error").path("code").asInt()).isEqualTo(-32602);
      assertThat(answers.get("3").path("error").path("message").asString())
          .startsWith("params.arguments must be an object");
      assertThat(answers.get("4").path("error").path("code").asInt()).isEqualTo(-32602);
      assertThat(answers.get("4").path("error").path("message").asString())
          .startsWith("params.arguments.priority must be a number between");
      assertThat(answers.get("5").path("error").path("message").asString()).startsWith("params.protocolVersion");
      assertThat(answers.values()).allSatisfy(answer -> assertThat(answer.toString())
          .doesNotContain("Exception").doesNotContain("Jackson").doesNotContain("DoubleNode"));
      in.close();
      assertThat(child.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).as("exits when stdin closes").isTrue();
      assertThat(out.readLine()).isNull();
      // A client's mistakes are not the server's errors.
      assertThat(Files.readAllLines(childStderr)).noneMatch(line -> line.contains(" ERROR "));
    } finally {
      child.destroyForcibly();
    }
  }

  private static List<String> javaCommand() {
    return List.of(ProcessHandle.current().info().command().orElse("java"), "-Xshare:auto",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), McpServerApplication.class.getName(),
        "--stdio");
  }

  private static String quote(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }
}
