package dev.workmesh.mcp;

import static dev.workmesh.mcp.McpTestClients.call;
import static dev.workmesh.mcp.McpTestClients.error;
import static dev.workmesh.mcp.McpTestClients.map;
import static dev.workmesh.mcp.McpTestClients.ok;
import static dev.workmesh.mcp.McpTestClients.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.CompleteRequest;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.client.model.Usage;
import dev.workmesh.core.task.TaskValidator;
import dev.workmesh.testsupport.MeshIntegrationTest;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.ResourceTemplate;
import io.modelcontextprotocol.spec.McpSchema.SubscribeRequest;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What an agent can do through the MCP server, against the real mesh-api on real PostgreSQL and Kafka.
 * Every transport runs the same scenarios: a subclass supplies an MCP client acting as one enrolled agent.
 */
@MeshIntegrationTest
abstract class MeshToolScenarios {

  static final List<String> TOOLS = List.of("create_mission", "list_missions", "submit_mesh_task",
      "claim_mesh_task", "heartbeat_mesh_task", "complete_mesh_task", "fail_mesh_task", "release_mesh_task",
      "retry_mesh_task", "cancel_mesh_task", "get_mesh_task", "await_mesh_task", "list_mesh_tasks");

  static final ExecutorService BACKGROUND = Executors.newVirtualThreadPerTaskExecutor();

  /** An MCP client acting as {@link #agent()}. */
  abstract McpSyncClient mcp();

  /** The agent the MCP client acts as; it alone is enrolled in its pool. */
  abstract EnrolledAgent agent();

  InProcessMesh mesh() {
    return InProcessMesh.get();
  }

  String pool() {
    return agent().agent().pools().getFirst();
  }

  Map<String, Object> submit(MissionView mission, Map<String, Object> extra) {
    Map<String, Object> args = new java.util.HashMap<>(Map.of("mission_id", mission.id().toString(),
        "title", "work-" + UUID.randomUUID(), "description", "do the work", "pool", pool()));
    args.putAll(extra);
    return map(ok(call(mcp(), "submit_mesh_task", args)).get("task"));
  }

  Map<String, Object> claim(MissionView mission, int waitSeconds) {
    return ok(call(mcp(), "claim_mesh_task", Map.of("mission_id", mission.id().toString(),
        "wait_seconds", waitSeconds)));
  }

  @Test
  void listsEveryToolWithAStrictInputSchemaAndAnOutputSchema() {
    List<Tool> tools = mcp().listTools().tools();
    assertThat(tools).extracting(Tool::name).containsExactlyInAnyOrderElementsOf(TOOLS);
    assertThat(tools).allSatisfy(tool -> {
      assertThat(tool.description()).hasSizeGreaterThan(80);
      assertThat(tool.inputSchema()).containsEntry("type", "object").containsEntry("additionalProperties", false);
      assertThat(tool.outputSchema()).containsEntry("type", "object").containsKey("properties");
    });
    Tool submit = tools.stream().filter(t -> t.name().equals("submit_mesh_task")).findFirst().orElseThrow();
    assertThat(submit.inputSchema().get("required")).isEqualTo(List.of("mission_id", "title"));
    assertThat(map(map(submit.inputSchema().get("properties")).get("claim_policy")).get("enum"))
        .isEqualTo(List.of("first_claim", "assigned", "broadcast"));
    Tool claim = tools.stream().filter(t -> t.name().equals("claim_mesh_task")).findFirst().orElseThrow();
    assertThat(map(map(claim.inputSchema().get("properties")).get("wait_seconds")))
        .containsEntry("minimum", 0).containsEntry("maximum", 60);
    assertThat(claim.description()).contains("claim_token");
  }

  @Test
  void anAgentSubmitsClaimsHeartbeatsAndCompletesATask() {
    Map<String, Object> created = ok(call(mcp(), "create_mission", Map.of("name", "m-" + UUID.randomUUID())));
    UUID missionId = UUID.fromString((String) map(created.get("mission")).get("id"));
    MissionView mission = mesh().operator().mission(missionId);

    Map<String, Object> task = submit(mission, Map.of("priority", 5, "input", Map.of("command", "make test"),
        "required_capabilities", List.of("git")));
    assertThat(task).containsEntry("status", "ready").containsEntry("priority", 5).containsEntry("pool", pool());

    Map<String, Object> claim = claim(mission, 0);
    assertThat(claim).containsEntry("claimed", true);
    assertThat((String) claim.get("claim_token")).startsWith("wm_claim_");
    assertThat(map(claim.get("task"))).containsEntry("id", task.get("id")).containsEntry("description", "do the work");
    String token = (String) claim.get("claim_token");
    String taskId = (String) task.get("id");

    Map<String, Object> beat = ok(call(mcp(), "heartbeat_mesh_task", Map.of("task_id", taskId, "claim_token", token)));
    assertThat(beat).containsEntry("cancel_requested", false).containsKey("lease_expires_at");

    CallToolResult completed = call(mcp(), "complete_mesh_task", Map.of("task_id", taskId, "claim_token", token,
        "result", Map.of("answer", 42), "exit_code", 0, "log_tail", "all good"));
    assertThat(map(ok(completed).get("task"))).containsEntry("status", "succeeded");
    assertThat(text(completed)).contains(taskId).contains("succeeded");

    Map<String, Object> read = map(ok(call(mcp(), "get_mesh_task", Map.of("task_id", taskId))).get("task"));
    assertThat(map(read.get("result"))).containsEntry("answer", 42);
    List<?> attempts = (List<?>) read.get("attempts");
    assertThat(attempts).singleElement().satisfies(a -> assertThat(map(a))
        .containsEntry("agent_id", agent().agent().id().toString())
        .containsEntry("outcome", "succeeded")
        .containsEntry("log_tail", "all good"));

    Map<String, Object> listed = ok(call(mcp(), "list_mesh_tasks", Map.of("mission_id", missionId.toString())));
    assertThat((List<?>) listed.get("tasks")).singleElement()
        .satisfies(t -> assertThat(map(t)).containsEntry("id", taskId).containsEntry("status", "succeeded"));
  }

  @Test
  void getMeshTaskShowsTheModelTokensAndCostEachAttemptReported() {
    MissionView mission = mesh().newMission();
    String taskId = (String) submit(mission, Map.of()).get("id");
    String token = (String) claim(mission, 0).get("claim_token");
    // The worker reports usage over REST with the end of the attempt.
    new MeshClient(mesh().baseUrl(), agent().token()).complete(UUID.fromString(taskId), new CompleteRequest(token,
        null, 0, null, new Usage("claude-sonnet-4-5", 1200, 300, new BigDecimal("0.0123"))));

    CallToolResult read = call(mcp(), "get_mesh_task", Map.of("task_id", taskId));
    assertThat(text(read)).contains("used 1500 tokens ($0.0123)")
        .contains("attempt 1: model claude-sonnet-4-5, 1200 in + 300 out tokens, $0.0123");
    Map<String, Object> task = map(ok(read).get("task"));
    assertThat(map(map(((List<?>) task.get("attempts")).getFirst()).get("usage")))
        .containsEntry("model", "claude-sonnet-4-5").containsEntry("input_tokens", 1200)
        .containsEntry("output_tokens", 300);
    assertThat(map(task.get("usage_total"))).containsEntry("tokens", 1500);
  }

  @Test
  void aWaitingClaimReturnsAsSoonAsATaskArrives() {
    MissionView mission = mesh().newMission();
    // Not the common pool: the JDK HttpClient under mesh-client completes responses there, and on a small
    // machine that pool has a single worker, which a blocked claim would hold.
    CompletableFuture<Map<String, Object>> waiting = CompletableFuture.supplyAsync(() -> claim(mission, 30), BACKGROUND);
    // The claim is parked in mesh-api's long-poll, not answered at once...
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !waiting.isDone());

    long submitted = System.nanoTime();
    TaskView task = mesh().operator().submit(mission.id(),
        new TaskRequest("arrives later", "now there is work", null, null, pool(), null, null, null, null, null, null,
            null, null, null, null)).task();

    // ...and wakes on the submission, well before mesh-api's 5s backstop and the 30s wait.
    Map<String, Object> claim = waiting.orTimeout(10, TimeUnit.SECONDS).join();
    assertThat(Duration.ofNanos(System.nanoTime() - submitted)).isLessThan(Duration.ofSeconds(4));
    assertThat(claim).containsEntry("claimed", true);
    assertThat(map(claim.get("task"))).containsEntry("id", task.id().toString());
  }

  @Test
  void nothingClaimableIsAnAnswerNotAnError() {
    MissionView mission = mesh().newMission();
    CallToolResult result = call(mcp(), "claim_mesh_task", Map.of("mission_id", mission.id().toString()));
    assertThat(ok(result)).containsEntry("claimed", false).doesNotContainKey("claim_token");
    assertThat(text(result)).contains("Nothing claimable").contains("wait_seconds");
  }

  @Test
  void aFailedTaskComesBackWithRetryMeshTask() {
    MissionView mission = mesh().newMission();
    String taskId = (String) submit(mission, Map.of("max_attempts", 1)).get("id");
    String token = (String) claim(mission, 0).get("claim_token");

    CallToolResult failed = call(mcp(), "fail_mesh_task", Map.of("task_id", taskId, "claim_token", token,
        "error", "tests failed: 3 of 120", "exit_code", 2));
    assertThat(map(ok(failed).get("task"))).containsEntry("status", "failed");
    assertThat(text(failed)).contains("retry_mesh_task");

    CallToolResult retry = call(mcp(), "retry_mesh_task", Map.of("task_id", taskId));
    assertThat(map(ok(retry).get("task"))).containsEntry("status", "ready");
    assertThat(text(retry)).contains("ready, 1 of 1 attempt spent; up to 1 more attempt, starting with attempt 2");
    assertThat(map(claim(mission, 0).get("task"))).containsEntry("id", taskId);
    // The second attempt of a task with max_attempts 1 is not "attempt 2 of 1".
    String read = text(call(mcp(), "get_mesh_task", Map.of("task_id", taskId)));
    assertThat(read).contains("claimed, 2 attempts spent (retried; 1 per retry)").doesNotContain("2 of 1");
  }

  @Test
  void awaitMeshTaskReturnsTheTaskWhenItEndsOrWhenTheWaitRunsOut() {
    MissionView mission = mesh().newMission();
    String taskId = (String) submit(mission, Map.of()).get("id");
    CallToolResult notYet = call(mcp(), "await_mesh_task", Map.of("task_id", taskId, "wait_seconds", 0));
    assertThat(ok(notYet)).containsEntry("ended", false);
    assertThat(text(notYet)).contains("Not ended").contains("await_mesh_task again");

    CompletableFuture<CallToolResult> waiting = CompletableFuture.supplyAsync(
        () -> call(mcp(), "await_mesh_task", Map.of("task_id", taskId, "wait_seconds", 30)), BACKGROUND);
    String token = (String) claim(mission, 0).get("claim_token");
    assertThat(waiting).isNotDone();
    new MeshClient(mesh().baseUrl(), agent().token()).complete(UUID.fromString(taskId), new CompleteRequest(token,
        tools.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("answer", 42), 0, null, null));

    CallToolResult ended = waiting.orTimeout(20, TimeUnit.SECONDS).join();
    assertThat(ok(ended)).containsEntry("ended", true);
    assertThat(map(map(ok(ended).get("task")).get("result"))).containsEntry("answer", 42);
    assertThat(text(ended)).startsWith("Ended: task " + taskId).contains("succeeded");
    assertThat(error(call(mcp(), "await_mesh_task", Map.of("task_id", taskId, "wait_seconds", 61))))
        .contains("wait_seconds");
  }

  @Test
  void tasksAndMissionsAreResourcesReadAsTheCaller() {
    MissionView mission = mesh().newMission();
    String taskId = (String) submit(mission, Map.of()).get("id");
    assertThat(mcp().listResourceTemplates().resourceTemplates()).extracting(ResourceTemplate::uriTemplate)
        .containsExactlyInAnyOrder("workmesh://tasks/{id}", "workmesh://missions/{id}");
    assertThat(mcp().listResources().resources()).extracting(Resource::uri).containsExactly("workmesh://missions");

    TextResourceContents task = (TextResourceContents) mcp().readResource(
        new ReadResourceRequest("workmesh://tasks/" + taskId)).contents().getFirst();
    assertThat(task.mimeType()).isEqualTo("application/json");
    assertThat(task.text()).contains("\"id\":\"" + taskId + "\"").contains("\"status\":\"ready\"");
    TextResourceContents missionRead = (TextResourceContents) mcp().readResource(
        new ReadResourceRequest("workmesh://missions/" + mission.id())).contents().getFirst();
    assertThat(missionRead.text()).contains("\"name\":\"" + mission.name() + "\"");

    assertThatThrownBy(() -> mcp().readResource(new ReadResourceRequest("workmesh://tasks/" + UUID.randomUUID())))
        .isInstanceOfSatisfying(McpError.class, e -> assertThat(e.getJsonRpcError().code()).isEqualTo(-32002));
    assertThatThrownBy(() -> mcp().readResource(new ReadResourceRequest("workmesh://tasks/not-a-uuid")))
        .isInstanceOfSatisfying(McpError.class, e -> assertThat(e.getJsonRpcError().code()).isEqualTo(-32602))
        .hasMessageContaining("workmesh://tasks/{id}");
  }

  @Test
  void aSubscriberHearsWhenItsTaskEnds() {
    MissionView mission = mesh().newMission();
    String taskId = (String) submit(mission, Map.of()).get("id");
    String uri = "workmesh://tasks/" + taskId;
    mcp().subscribeResource(new SubscribeRequest(uri));

    // Ended over REST, by the agent as a worker would: the MCP session hears it, and the client re-reads it.
    MeshClient rest = new MeshClient(mesh().baseUrl(), agent().token());
    String token = rest.claimTask(UUID.fromString(taskId)).orElseThrow().claimToken();
    assertThat(McpTestClients.updatesOf(uri)).isEmpty();
    rest.complete(UUID.fromString(taskId), new CompleteRequest(token, null, 0, null, null));

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(McpTestClients.updatesOf(uri))
        .anySatisfy(text -> assertThat(text).contains("\"status\":\"succeeded\"")));
  }

  @Test
  void argumentsOutsideTheSchemaAreToolErrorsThatNameTheField() {
    MissionView mission = mesh().newMission();
    String id = mission.id().toString();
    assertThat(error(call(mcp(), "submit_mesh_task", Map.of("mission_id", id)))).contains("title");
    assertThat(error(call(mcp(), "submit_mesh_task", Map.of("mission_id", id, "title", "t",
        "claim_policy", "whoever_is_free")))).contains("claim_policy");
    assertThat(error(call(mcp(), "submit_mesh_task", Map.of("mission_id", id, "title", "t", "colour", "red"))))
        .contains("colour");
    assertThat(error(call(mcp(), "claim_mesh_task", Map.of("wait_seconds", 999)))).contains("wait_seconds");
    assertThat(error(call(mcp(), "get_mesh_task", Map.of("task_id", "not-a-uuid")))).contains("task_id");
    // Nothing reached the mesh.
    assertThat(mesh().operator().tasks(mission.id(), null, null, 10).items()).isEmpty();
  }

  @Test
  void theTaskRulesOfMeshCoreApplyToSubmitMeshTask() {
    MissionView mission = mesh().newMission();
    String id = mission.id().toString();
    assertThat(error(call(mcp(), "submit_mesh_task", Map.of("mission_id", id, "title", "t", "runtime", "bash"))))
        .contains("input");
    assertThat(error(call(mcp(), "submit_mesh_task", Map.of("mission_id", id, "title", "t", "runtime", "exec",
        "input", Map.of("argv", List.of())))))
        .contains("argv");
    assertThat(error(call(mcp(), "submit_mesh_task", Map.of("mission_id", id, "title", "t",
        "priority", TaskValidator.MAX_PRIORITY + 1)))).contains("priority");
    assertThat(error(call(mcp(), "get_mesh_task", Map.of("task_id",
        "01234567-89ab-4cde-8f01-23456789abcd".replace('1', '\uFF11').replace('2', '\uFF12'))))).contains("task_id");
    // Nothing reached the mesh; a task that follows the rules does.
    assertThat(mesh().operator().tasks(mission.id(), null, null, 10).items()).isEmpty();
    assertThat(submit(mission, Map.of("runtime", "bash", "input", Map.of("command", "make test"))))
        .containsEntry("runtime", "bash");
  }

  @Test
  void meshApiRefusalsComeBackAsToolErrorsWithTheirFieldErrors() {
    MissionView mission = mesh().newMission();
    String policyError = error(call(mcp(), "submit_mesh_task", Map.of("mission_id", mission.id().toString(),
        "title", "t", "claim_policy", "assigned")));
    assertThat(policyError).contains("HTTP 400").contains("assigned_agent").contains("Fix the arguments");
    assertThat(error(call(mcp(), "submit_mesh_task", Map.of("mission_id", mission.id().toString(),
        "title", "t", "timeout", "soon")))).contains("timeout").contains("2h30m");

    assertThat(error(call(mcp(), "get_mesh_task", Map.of("task_id", UUID.randomUUID().toString()))))
        .contains("HTTP 404");

    String taskId = (String) submit(mission, Map.of()).get("id");
    claim(mission, 0);
    String stale = error(call(mcp(), "complete_mesh_task", Map.of("task_id", taskId,
        "claim_token", "wm_claim_not-the-live-one", "result", Map.of())));
    assertThat(stale).contains("HTTP 409").contains("no longer yours");
  }
}
