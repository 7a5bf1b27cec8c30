package dev.workmesh.mcp;

import static dev.workmesh.mcp.McpTestClients.call;
import static dev.workmesh.mcp.McpTestClients.error;
import static dev.workmesh.mcp.McpTestClients.map;
import static dev.workmesh.mcp.McpTestClients.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.testsupport.MeshIntegrationTest;
import io.modelcontextprotocol.client.McpSyncClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What {@code /mcp} refuses before the SDK sees a request, and what its error answers may contain:
 * bearer tokens (401), browser origins and Host names (DNS rebinding), sessions of other tokens, and no
 * stack traces anywhere. Raw HTTP where the SDK client would hide the status.
 */
@MeshIntegrationTest
class StreamableHttpSecurityTest {

  private static final String INITIALIZE = """
      {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},
       "clientInfo":{"name":"raw-test","version":"1"}}}""";
  private static final String INITIALIZED = """
      {"jsonrpc":"2.0","method":"notifications/initialized"}""";
  private static final String LIST_TOOLS = """
      {"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}""";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static InProcessMcpServer server;
  private static EnrolledAgent agent;

  @BeforeAll
  static void start() {
    server = new InProcessMcpServer(InProcessMesh.get().baseUrl(),
        "--mcp-server.allowed-origins=http://localhost:*,https://app.example.com");
    agent = InProcessMesh.get().enrolAgent();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aMissingOrWrongTokenIs401BeforeAnyMcpProcessing() throws Exception {
    HttpResponse<String> none = post(null, null, null, INITIALIZE);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"workmesh\"");
    assertThat(none.headers().firstValue("Mcp-Session-Id")).isEmpty();
    assertThat(none.body()).contains("\"jsonrpc\":\"2.0\"").contains("Authorization: Bearer");

    HttpResponse<String> wrong = post("wm_agent_not-a-real-token", null, null, INITIALIZE);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("does not accept this token").doesNotContain("stackTrace");

    assertThatThrownBy(() -> McpTestClients.http(server.baseUrl(), "wm_agent_not-a-real-token"))
        .hasStackTraceContaining("401");
  }

  @Test
  void aBrowserOriginNotAllowedIs403AndAnAllowedOneIsServed() throws Exception {
    HttpResponse<String> evil = post(agent.token(), null, Map.of("Origin", "http://evil.example"), INITIALIZE);
    assertThat(evil.statusCode()).isEqualTo(403);
    assertThat(evil.body()).contains("Origin not allowed").doesNotContain("stackTrace");

    assertThat(post(agent.token(), null, Map.of("Origin", "https://app.example.com"), INITIALIZE).statusCode())
        .isEqualTo(200);
    assertThat(post(agent.token(), null, Map.of("Origin", "http://localhost:5173"), INITIALIZE).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aHostNameNotAllowedIs421() throws IOException {
    // java.net.http will not send a foreign Host header, so this one is written by hand.
    String request = "POST /mcp HTTP/1.1\r\n"
        + "Host: attacker.example:" + server.port() + "\r\n"
        + "Authorization: Bearer " + agent.token() + "\r\n"
        + "Content-Type: application/json\r\n"
        + "Accept: application/json, text/event-stream\r\n"
        + "Content-Length: " + INITIALIZE.getBytes(StandardCharsets.UTF_8).length + "\r\n"
        + "Connection: close\r\n\r\n" + INITIALIZE;
    try (Socket socket = new Socket("localhost", server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 421").contains("Host not allowed").doesNotContain("stackTrace");
    }
  }

  @Test
  void transportErrorsCarryNoStackTrace() throws Exception {
    HttpResponse<String> malformed = post(agent.token(), null, null, "{this is not json");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertNoJavaDetail(malformed.body());

    HttpResponse<String> noSession = post(agent.token(), null, null, LIST_TOOLS);
    assertThat(noSession.statusCode()).isEqualTo(400);
    assertThat(noSession.body()).contains("Session ID required");
    assertNoJavaDetail(noSession.body());

    HttpResponse<String> badAccept = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/mcp"))
        .header("Authorization", "Bearer " + agent.token())
        .header("Content-Type", "application/json")
        .header("Accept", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString(INITIALIZE)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(badAccept.statusCode()).isEqualTo(400);
    assertNoJavaDetail(badAccept.body());

    HttpResponse<String> getWithoutSession = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/mcp"))
        .header("Authorization", "Bearer " + agent.token()).header("Accept", "text/event-stream").GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(getWithoutSession.statusCode()).isEqualTo(400);
    assertNoJavaDetail(getWithoutSession.body());
  }

  @Test
  void aToolCallWhoseParamsAreNotObjectsIsInvalidParamsNamingTheField() throws Exception {
    HttpResponse<String> opened = post(agent.token(), null, null, INITIALIZE);
    String session = opened.headers().firstValue("Mcp-Session-Id").orElseThrow();
    assertThat(post(agent.token(), session, null, INITIALIZED).statusCode()).isEqualTo(202);

    Map<String, String> paramsAndField = new LinkedHashMap<>();
    for (String notAnObject : List.of("[]", "\"x\"", "42", "true", "[{\"task_id\":\"x\"}]")) {
      paramsAndField.put("{\"name\":\"get_mesh_task\",\"arguments\":" + notAnObject + "}", "params.arguments");
    }
    paramsAndField.put("[]", "params");
    paramsAndField.put("\"get_mesh_task\"", "params");
    paramsAndField.put("{\"name\":42,\"arguments\":{}}", "params.name");
    paramsAndField.put("{\"name\":\"get_mesh_task\",\"arguments\":{},\"_meta\":[]}", "params._meta");
    int id = 10;
    for (Map.Entry<String, String> probe : paramsAndField.entrySet()) {
      id++;
      HttpResponse<String> answer = post(agent.token(), session, null,
          "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":" + probe.getKey() + "}");
      assertThat(answer.statusCode()).as("HTTP status for params %s", probe.getKey()).isEqualTo(200);
      JsonNode message = JSON.readTree(answer.body());
      assertThat(message.path("id").asInt()).as("the request's id").isEqualTo(id);
      assertThat(message.path("error").path("code").asInt()).as("JSON-RPC code").isEqualTo(-32602);
      assertThat(message.path("error").path("message").asString()).startsWith(probe.getValue() + " must be");
      assertNoJavaDetail(answer.body());
    }

    HttpResponse<String> wellFormed = post(agent.token(), session, null, LIST_TOOLS);
    assertThat(wellFormed.statusCode()).as("the session goes on").isEqualTo(200);
    assertThat(wellFormed.body()).contains("get_mesh_task");
  }

  @Test
  void brokenMessagesAreParseErrorsOrInvalidParamsAndNoneIsLoggedAsAServerError() throws Exception {
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
        new ch.qos.logback.core.read.ListAppender<>();
    logged.start();
    root.addAppender(logged);
    try {
      HttpResponse<String> opened = post(agent.token(), null, null, INITIALIZE);
      String session = opened.headers().firstValue("Mcp-Session-Id").orElseThrow();
      assertThat(post(agent.token(), session, null, INITIALIZED).statusCode()).isEqualTo(202);

      HttpResponse<String> notJson = post(agent.token(), session, null, "{\"jsonrpc\":\"2.0\",\"id\":1,");
      assertThat(notJson.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(notJson.body()).path("error").path("code").asInt()).isEqualTo(-32700);
      assertNoJavaDetail(notJson.body());

      HttpResponse<String> notJsonRpc = post(agent.token(), session, null, "{\"hello\":\"world\"}");
      assertThat(notJsonRpc.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(notJsonRpc.body()).path("error").path("code").asInt()).isEqualTo(-32600);

      HttpResponse<String> huge = post(agent.token(), session, null, """
          {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"submit_mesh_task","arguments":
           {"mission_id":"01890a5d-ac96-774b-bcce-b302099a8057","title":"t","priority":1e30}}}""");
      assertInvalidParams(huge, 7, "params.arguments.priority");
      assertThat(huge.body()).doesNotContain("DoubleNode").doesNotContain("JSON Schema");

      assertThat(post(agent.token(), session, null, LIST_TOOLS).statusCode()).as("the session goes on").isEqualTo(200);
      assertThat(logged.list).noneMatch(event -> event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR));
    } finally {
      root.detachAppender(logged);
    }
  }

  @Test
  void sseEventIdsAreUniqueAcrossTheStreamsOfASessionAndNameTheirStream() throws Exception {
    HttpResponse<String> opened = post(agent.token(), null, null, INITIALIZE);
    String session = opened.headers().firstValue("Mcp-Session-Id").orElseThrow();
    assertThat(post(agent.token(), session, null, INITIALIZED).statusCode()).isEqualTo(202);
    java.util.List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> stream = post(agent.token(), session, null,
          "{\"jsonrpc\":\"2.0\",\"id\":" + (100 + i) + ",\"method\":\"tools/list\",\"params\":{}}");
      assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
      stream.body().lines().filter(line -> line.startsWith("id:")).map(line -> line.substring(3).strip())
          .forEach(ids::add);
    }
    assertThat(ids).hasSize(3).doesNotHaveDuplicates().noneMatch(id -> id.equals(session))
        .allMatch(id -> id.matches("[0-9a-f-]{36}-1"));
  }

  @Test
  void initializeAndSetLevelWithParamsOfTheWrongTypeAreInvalidParamsWithoutJavaDetail() throws Exception {
    Map<String, String> initializeParams = new LinkedHashMap<>();
    initializeParams.put("[]", "params");
    initializeParams.put("{\"protocolVersion\":42,\"capabilities\":{},\"clientInfo\":{\"name\":\"c\",\"version\":\"1\"}}",
        "params.protocolVersion");
    initializeParams.put("{\"protocolVersion\":\"2025-06-18\",\"capabilities\":[],\"clientInfo\":{\"name\":\"c\","
        + "\"version\":\"1\"}}", "params.capabilities");
    initializeParams.put("{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":\"c\"}",
        "params.clientInfo");
    initializeParams.put("{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":[],"
        + "\"version\":\"1\"}}", "params.clientInfo.name");
    int id = 40;
    for (Map.Entry<String, String> probe : initializeParams.entrySet()) {
      id++;
      HttpResponse<String> answer = post(agent.token(), null, null,
          "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"initialize\",\"params\":" + probe.getKey() + "}");
      assertInvalidParams(answer, id, probe.getValue());
    }

    HttpResponse<String> opened = post(agent.token(), null, null, INITIALIZE);
    String session = opened.headers().firstValue("Mcp-Session-Id").orElseThrow();
    assertThat(post(agent.token(), session, null, INITIALIZED).statusCode()).isEqualTo(202);
    Map<String, String> levelParams = new LinkedHashMap<>();
    levelParams.put("{\"level\":42}", "params.level");
    levelParams.put("{\"level\":\"loud\"}", "params.level");
    levelParams.put("{}", "params.level");
    levelParams.put("[\"info\"]", "params");
    for (Map.Entry<String, String> probe : levelParams.entrySet()) {
      id++;
      HttpResponse<String> answer = post(agent.token(), session, null,
          "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"logging/setLevel\",\"params\":" + probe.getKey() + "}");
      assertInvalidParams(answer, id, probe.getValue());
    }
    HttpResponse<String> wellFormed = post(agent.token(), session, null, LIST_TOOLS);
    assertThat(wellFormed.statusCode()).as("the session goes on").isEqualTo(200);
  }

  private static void assertInvalidParams(HttpResponse<String> answer, int id, String field) throws Exception {
    assertThat(answer.statusCode()).as("HTTP status for %s: %s", field, answer.body()).isEqualTo(200);
    JsonNode message = JSON.readTree(answer.body());
    assertThat(message.path("id").asInt()).as("the request's id").isEqualTo(id);
    assertThat(message.path("error").path("code").asInt()).as("JSON-RPC code: %s", answer.body()).isEqualTo(-32602);
    assertThat(message.path("error").path("message").asString()).startsWith(field + " must be");
    assertNoJavaDetail(answer.body());
  }

  @Test
  void aSessionAnswersOnlyTheTokenThatOpenedIt() throws Exception {
    HttpResponse<String> opened = post(agent.token(), null, null, INITIALIZE);
    assertThat(opened.statusCode()).isEqualTo(200);
    String session = opened.headers().firstValue("Mcp-Session-Id").orElseThrow();
    assertThat(post(agent.token(), session, null, INITIALIZED).statusCode()).isEqualTo(202);

    EnrolledAgent other = InProcessMesh.get().enrolAgent();
    HttpResponse<String> hijack = post(other.token(), session, null, LIST_TOOLS);
    assertThat(hijack.statusCode()).isEqualTo(404);
    assertThat(hijack.body()).contains("Session not found");

    HttpResponse<String> owner = post(agent.token(), session, null, LIST_TOOLS);
    assertThat(owner.statusCode()).isEqualTo(200);
    assertThat(owner.body()).contains("claim_mesh_task");
  }

  @Test
  void theOperatorTokenWorksAndClaimsOnlyForANamedAgent() {
    McpSyncClient operator = McpTestClients.http(server.baseUrl(), InProcessMesh.OPERATOR_TOKEN);
    try {
      MissionView mission = InProcessMesh.get().newMission();
      String pool = agent.agent().pools().getFirst();
      String taskId = (String) map(ok(call(operator, "submit_mesh_task", Map.of("mission_id",
          mission.id().toString(), "title", "for the agent", "pool", pool))).get("task")).get("id");

      assertThat(error(call(operator, "claim_mesh_task", Map.of("mission_id", mission.id().toString()))))
          .contains("HTTP 400").contains("agent_id");

      Map<String, Object> claim = ok(call(operator, "claim_mesh_task", Map.of("mission_id", mission.id().toString(),
          "agent_id", agent.agent().id().toString())));
      assertThat(claim).containsEntry("claimed", true);
      assertThat(map(claim.get("task"))).containsEntry("id", taskId).containsEntry("submitted_by", "operator");

      // The agent's own connection sees the task it now holds.
      McpSyncClient asAgent = McpTestClients.http(server.baseUrl(), agent.token());
      try {
        Map<String, Object> task = map(ok(call(asAgent, "get_mesh_task", Map.of("task_id", taskId))).get("task"));
        assertThat(task).containsEntry("status", "claimed");
        assertThat(map(((java.util.List<?>) task.get("attempts")).getFirst()))
            .containsEntry("agent_id", agent.agent().id().toString());
      } finally {
        asAgent.closeGracefully();
      }
    } finally {
      operator.closeGracefully();
    }
  }

  @Test
  void healthIsServedWithoutAToken() throws Exception {
    HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/actuator/health"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"");
  }

  private static void assertNoJavaDetail(String body) {
    assertThat(body).contains("\"jsonrpc\":\"2.0\"")
        .doesNotContain("stackTrace").doesNotContain("Exception").doesNotContain("\tat ")
        .doesNotContain("java.").doesNotContain("io.modelcontextprotocol");
  }

  private static HttpResponse<String> post(String token, String session, Map<String, String> headers, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/mcp"))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (session != null) {
      request.header("Mcp-Session-Id", session);
    }
    if (headers != null) {
      headers.forEach(request::header);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

}
