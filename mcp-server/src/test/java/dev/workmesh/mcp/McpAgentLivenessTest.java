package dev.workmesh.mcp;

import static dev.workmesh.mcp.McpTestClients.call;
import static dev.workmesh.mcp.McpTestClients.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.api.MeshApiApplication;
import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.AgentRequest;
import dev.workmesh.client.model.AgentView;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.MeshTestEnv;
import dev.workmesh.watchdog.WatchdogApplication;
import io.modelcontextprotocol.client.McpSyncClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An agent that uses only MCP keeps its claim: through the SDK's own client and the real Streamable HTTP
 * transport, against a mesh-api and a watchdog of its own (health sweep and lease rescue on short
 * thresholds), an agent idle past the disconnect threshold claims, holds its claim for 2.5 times that
 * threshold with heartbeat_mesh_task alone, and completes it.
 */
@MeshIntegrationTest
class McpAgentLivenessTest {

  private static final String OPERATOR_TOKEN = "mcp-liveness-operator-token-0123456789abcdef";
  private static final Duration DISCONNECT = Duration.ofSeconds(6);

  private static ConfigurableApplicationContext meshApi;
  private static ConfigurableApplicationContext watchdog;
  private static InProcessMcpServer server;
  private static MeshClient operator;

  @BeforeAll
  static void start() {
    MeshTestEnv env = MeshTestEnv.forClass(McpAgentLivenessTest.class);
    List<String> common = new ArrayList<>();
    env.springProperties().forEach((k, v) -> common.add("--" + k + "=" + v));
    common.add("--server.port=0");

    List<String> api = new ArrayList<>(common);
    api.add("--mesh-api.operator-token=" + OPERATOR_TOKEN);
    api.add("--mesh-api.lease=5s");
    api.add("--mesh-api.agent-activity-write=1s");
    api.add("--mesh-api.relay.poll-interval=200ms");
    meshApi = new SpringApplicationBuilder(MeshApiApplication.class).run(api.toArray(String[]::new));
    String apiUrl = "http://localhost:" + meshApi.getEnvironment().getProperty("local.server.port");

    List<String> dog = new ArrayList<>(common);
    dog.add("--watchdog-service.heartbeat-interval=1s");
    dog.add("--watchdog-service.stale-threshold=3s");
    dog.add("--watchdog-service.disconnect-threshold=" + DISCONNECT.toSeconds() + "s");
    dog.add("--watchdog-service.sweep-interval=200ms");
    watchdog = new SpringApplicationBuilder(WatchdogApplication.class).run(dog.toArray(String[]::new));

    server = new InProcessMcpServer(apiUrl);
    operator = new MeshClient(apiUrl, OPERATOR_TOKEN);
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {server, watchdog, meshApi}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // best effort: the next class starts its own
      }
    }
  }

  private static String status(UUID agentId) {
    return operator.agents().stream().filter(a -> a.id().equals(agentId)).map(AgentView::status).findFirst()
        .orElseThrow();
  }

  @Test
  void anAgentIdlePastTheDisconnectThresholdClaimsHoldsItsClaimByHeartbeatsAloneAndCompletes() {
    String pool = "mcp-live-" + UUID.randomUUID().toString().substring(0, 8);
    EnrolledAgent agent = operator.enrol(new AgentRequest("mcp-model", List.of(pool), List.of(), List.of(), 1,
        Map.of()));
    UUID agentId = agent.agent().id();
    MissionView mission = operator.createMission("m-" + UUID.randomUUID(), "liveness");
    McpSyncClient mcp = McpTestClients.http(server.baseUrl(), agent.token());
    try {
      await().atMost(DISCONNECT.multipliedBy(4)).until(() -> status(agentId).equals("disconnected"));
      TaskView task = operator.submit(mission.id(), new TaskRequest("think", "answer with 42", null, null, pool,
          null, null, null, null, 1, null, null, null, null, null)).task();

      Map<String, Object> claim = ok(call(mcp, "claim_mesh_task", Map.of("mission_id", mission.id().toString())));
      assertThat(claim.get("claimed")).isEqualTo(true);
      String token = (String) claim.get("claim_token");
      assertThat(status(agentId)).isEqualTo("connected");

      Instant until = Instant.now().plus(DISCONNECT.multipliedBy(5).dividedBy(2));
      await().atMost(DISCONNECT.multipliedBy(5)).pollInterval(Duration.ofSeconds(1)).until(() -> {
        Map<String, Object> beat = ok(call(mcp, "heartbeat_mesh_task",
            Map.of("task_id", task.id().toString(), "claim_token", token)));
        assertThat(beat.get("cancel_requested")).isEqualTo(false);
        assertThat(status(agentId)).isNotEqualTo("disconnected");
        return Instant.now().isAfter(until);
      });

      Map<String, Object> done = ok(call(mcp, "complete_mesh_task", Map.of("task_id", task.id().toString(),
          "claim_token", token, "result", Map.of("answer", 42))));
      assertThat(done).isNotNull();
      TaskView finished = operator.task(task.id());
      assertThat(finished.status()).isEqualTo("succeeded");
      assertThat(finished.attempts()).singleElement().satisfies(a -> assertThat(a.outcome()).isEqualTo("succeeded"));
    } finally {
      mcp.closeGracefully();
    }
  }

  @Test
  void anEmptyClaimTellsTheModelWhyWhenTheReasonIsTheAgent() {
    String pool = "mcp-why-" + UUID.randomUUID().toString().substring(0, 8);
    EnrolledAgent bashOnly = operator.enrol(new AgentRequest("bash-only", List.of(pool), List.of(),
        List.of("bash"), 1, Map.of()));
    MissionView mission = operator.createMission("m-" + UUID.randomUUID(), "reasons");
    operator.submit(mission.id(), new TaskRequest("a prompt", "write a haiku", null, null, pool, null, null, null,
        null, null, null, null, null, null, null));
    McpSyncClient mcp = McpTestClients.http(server.baseUrl(), bashOnly.token());
    try {
      var result = call(mcp, "claim_mesh_task", Map.of());
      Map<String, Object> out = ok(result);
      assertThat(out.get("claimed")).isEqualTo(false);
      assertThat(out.get("reason")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
          .containsEntry("code", "ineligible");
      assertThat(McpTestClients.text(result)).contains("need one of the runtimes").contains("claude_code");
    } finally {
      mcp.closeGracefully();
    }
  }
}
