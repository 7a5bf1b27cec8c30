package dev.workmesh.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.testsupport.MeshIntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The official MCP conformance suite ({@code @modelcontextprotocol/conformance}, pinned in
 * mcp-conformance/package-lock.json and installed there by the build with {@code npm ci}) against the MCP
 * server over Streamable HTTP, as an agent. The suite cannot send an {@code Authorization} header, so it
 * talks to a loopback {@link BearerTokenProxy} that adds the agent's token.
 *
 * <p>Every scenario of the suite is either one that applies to a server offering tools, resources and
 * logging, and must pass (no check FAILURE), or one listed in {@link #NOT_APPLICABLE} with the reason: they
 * exercise test fixtures (tools such as {@code test_simple_text}, resources under {@code test://}, prompts)
 * or features this server does not offer. A scenario a newer suite adds fails this test until it is
 * classified here.
 */
@MeshIntegrationTest
class McpConformanceTest {

  static final List<String> APPLIES = List.of("server-initialize", "logging-set-level", "ping", "tools-list",
      "server-sse-multiple-streams", "resources-list", "resources-subscribe", "resources-unsubscribe",
      "dns-rebinding-protection");

  static final Map<String, String> NOT_APPLICABLE = new TreeMap<>(Map.ofEntries(
      Map.entry("completion-complete", "no completions: the server offers no prompts and no argument completion"),
      Map.entry("tools-call-simple-text", "calls the suite's fixture tool test_simple_text"),
      Map.entry("tools-call-image", "calls the fixture tool test_image_content (the mesh returns no images)"),
      Map.entry("tools-call-audio", "calls the fixture tool test_audio_content (the mesh returns no audio)"),
      Map.entry("tools-call-embedded-resource", "calls the fixture tool test_embedded_resource"),
      Map.entry("tools-call-mixed-content", "calls the fixture tool test_multiple_content_types"),
      Map.entry("tools-call-with-logging", "calls the fixture tool test_tool_with_logging"),
      Map.entry("tools-call-error", "calls the fixture tool test_error_handling (tool errors are covered by"
          + " MeshToolScenarios)"),
      Map.entry("tools-call-with-progress", "calls the fixture tool test_tool_with_progress"),
      Map.entry("tools-call-sampling", "the server never asks the client to sample (fixture test_sampling)"),
      Map.entry("tools-call-elicitation", "the server never elicits input (fixture test_elicitation)"),
      Map.entry("elicitation-sep1034-defaults", "the server never elicits input"),
      Map.entry("elicitation-sep1330-enums", "the server never elicits input"),
      Map.entry("json-schema-2020-12", "looks for the fixture tool json_schema_2020_12_tool"),
      Map.entry("server-sse-polling", "calls the fixture tool test_reconnection; the server keeps no SSE event"
          + " history, so it never closes a stream early for the client to poll"),
      Map.entry("resources-read-text", "reads the fixture resource test://static-text"),
      Map.entry("resources-read-binary", "reads the fixture resource test://static-binary"),
      Map.entry("resources-templates-read", "reads the fixture template test://template/{id}/data"),
      Map.entry("prompts-list", "the server offers no prompts"),
      Map.entry("prompts-get-simple", "the server offers no prompts"),
      Map.entry("prompts-get-with-args", "the server offers no prompts"),
      Map.entry("prompts-get-embedded-resource", "the server offers no prompts"),
      Map.entry("prompts-get-with-image", "the server offers no prompts")));

  private static final Path SUITE = Path.of("..", "mcp-conformance").toAbsolutePath().normalize();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void everyScenarioThatAppliesToThisServerPasses() throws Exception {
    EnrolledAgent agent = InProcessMesh.get().enrolAgent();
    Path results = Files.createTempDirectory("mcp-conformance-");
    Map<String, List<JsonNode>> checks;
    try (InProcessMcpServer server = new InProcessMcpServer(InProcessMesh.get().baseUrl());
        BearerTokenProxy proxy = new BearerTokenProxy(server.port(), agent.token())) {
      Process suite = new ProcessBuilder(SUITE.resolve("node_modules/.bin/node").toString(),
          SUITE.resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js").toString(),
          "server", "--url", "http://localhost:" + proxy.port() + "/mcp", "--output-dir", results.toString())
          .directory(SUITE.toFile())
          .redirectErrorStream(true)
          .redirectOutput(results.resolve("suite.log").toFile())
          .start();
      boolean finished = suite.waitFor(150, TimeUnit.SECONDS);
      if (!finished) {
        suite.destroyForcibly();
      }
      assertThat(finished).as("the suite finished within 150 s; its log: %s", results.resolve("suite.log")).isTrue();
      checks = readChecks(results);
    }

    StringBuilder report = new StringBuilder("MCP conformance, scenario by scenario:\n");
    checks.forEach((scenario, list) -> report.append(String.format("  %-32s %s%n", scenario,
        APPLIES.contains(scenario) ? summary(list) : "does not apply: " + NOT_APPLICABLE.get(scenario))));
    System.out.println(report);

    assertThat(checks.keySet()).as("every scenario the suite ran is classified here")
        .allMatch(scenario -> APPLIES.contains(scenario) || NOT_APPLICABLE.containsKey(scenario));
    assertThat(checks.keySet()).as("every scenario that applies ran").containsAll(APPLIES);
    for (String scenario : APPLIES) {
      assertThat(checks.get(scenario)).as("checks of %s", scenario).isNotEmpty()
          .noneMatch(check -> check.path("status").asString().equals("FAILURE"));
      assertThat(checks.get(scenario)).as("%s passed something", scenario)
          .anyMatch(check -> check.path("status").asString().equals("SUCCESS"));
    }
  }

  private static String summary(List<JsonNode> checks) {
    Map<String, Long> byStatus = new TreeMap<>();
    checks.forEach(check -> byStatus.merge(check.path("status").asString(), 1L, Long::sum));
    List<String> failures = checks.stream().filter(c -> c.path("status").asString().equals("FAILURE"))
        .map(c -> c.path("id").asString() + ": " + c.path("errorMessage").asString("")).toList();
    return byStatus + (failures.isEmpty() ? "" : " " + failures);
  }

  /** The suite writes {@code server-<scenario>-<timestamp>/checks.json} per scenario. */
  private static Map<String, List<JsonNode>> readChecks(Path results) throws IOException {
    Map<String, List<JsonNode>> checks = new TreeMap<>();
    try (Stream<Path> dirs = Files.list(results)) {
      for (Path dir : dirs.filter(Files::isDirectory).toList()) {
        Path file = dir.resolve("checks.json");
        if (!Files.exists(file)) {
          continue;
        }
        String scenario = dir.getFileName().toString().replaceFirst("^server-", "")
            .replaceFirst("-\\d{4}-\\d{2}-\\d{2}T[\\d-]+Z$", "");
        checks.put(scenario, JSON.readValue(file.toFile(), JSON.getTypeFactory()
            .constructCollectionType(List.class, JsonNode.class)));
      }
    }
    return checks;
  }
}
