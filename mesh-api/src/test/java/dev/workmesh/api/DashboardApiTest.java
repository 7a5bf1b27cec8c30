package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.ClaimRequest;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.CompleteRequest;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.HeldClaim;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.Page;
import dev.workmesh.client.model.TaskLog;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What the dashboard reads: its static files (served without a token, under a strict Content-Security-Policy),
 * the filtered newest-first task list, the claims agents hold, a running attempt's live log, the mission
 * list's task counts and the pool queue history.
 */
class DashboardApiTest extends ApiTestBase {

  @Test
  void theDashboardIsServedWithoutATokenUnderAStrictContentSecurityPolicy() throws Exception {
    HttpResponse<String> index = raw("GET", "/ui/", null, null);
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("<script type=\"module\" src=\"js/app.js\"></script>").doesNotContain("http");
    String policy = index.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(policy).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'",
        "frame-ancestors 'none'").doesNotContain("unsafe-inline", "unsafe-eval");
    assertThat(index.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

    HttpResponse<String> script = raw("GET", "/ui/js/app.js", null, null);
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type").orElseThrow()).contains("javascript");
    assertThat(script.headers().firstValue("Content-Security-Policy")).isPresent();

    assertThat(raw("GET", "/ui", null, null).statusCode()).isEqualTo(302);
    assertThat(raw("GET", "/ui/../application.yml", null, null).statusCode()).isIn(400, 404);
    assertThat(raw("GET", "/work/missions", null, null).statusCode()).isEqualTo(401);
  }

  @Test
  void tasksAreListedNewestFirstAndFilteredByStatusPoolAndRuntime() throws Exception {
    MissionView mission = newMission();
    String pool = "pool-" + UUID.randomUUID().toString().substring(0, 8);
    TaskView first = operator().submit(mission.id(), TaskRequest.of("first", "a").withPool(pool)).task();
    TaskView second = operator().submit(mission.id(),
        TaskRequest.of("second", "b").withPool(pool)
        .withRuntime("bash", MeshClient.JSON.createObjectNode().put("command", "true"))).task();
    TaskView third = operator().submit(mission.id(), TaskRequest.of("third", "c")).task();

    assertThat(titles(mission.id(), "order=newest&limit=2")).containsExactly("third", "second");
    String next = page(mission.id(), "order=newest&limit=2").path("next_cursor").asString();
    assertThat(titles(mission.id(), "order=newest&limit=2&cursor=" + next)).containsExactly("first");
    assertThat(titles(mission.id(), "order=newest&pool=" + pool)).containsExactly("second", "first");
    assertThat(titles(mission.id(), "pool=" + pool + "&runtime=bash")).containsExactly("second");
    assertThat(titles(mission.id(), "status=ready&order=oldest")).containsExactly("first", "second", "third");
    assertThat(first.id()).isNotEqualTo(third.id());
    assertThat(second.runtime()).isEqualTo("bash");

    HttpResponse<String> bad = raw("GET", "/work/missions/" + mission.id() + "/tasks?order=sideways", OPERATOR_TOKEN, null);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("order");
    assertThat(raw("GET", "/work/missions/" + mission.id() + "/tasks?pool=a%20b", OPERATOR_TOKEN, null).statusCode())
        .isEqualTo(400);
  }

  @Test
  void aRunningAttemptsHeartbeatsCarryItsLogWhichTheLogEndpointServesLiveAndAfterwards() throws Exception {
    MissionView mission = newMission();
    String pool = "logs-" + UUID.randomUUID().toString().substring(0, 8);
    EnrolledAgent agent = enrol(pool);
    TaskView task = operator().submit(mission.id(), TaskRequest.of("talks", "prints lines").withPool(pool)).task();

    TaskLog before = operator().taskLog(task.id());
    assertThat(before.attemptId()).isNull();
    assertThat(before.taskStatus()).isEqualTo("ready");

    ClaimView claim = as(agent.token()).claim(new ClaimRequest(null, null, null, null)).getFirst();
    as(agent.token()).heartbeat(task.id(), claim.claimToken(), "line 1\nline 2\n");
    TaskLog running = operator().taskLog(task.id());
    assertThat(running.running()).isTrue();
    assertThat(running.attemptId()).isEqualTo(claim.attemptId());
    assertThat(running.logTail()).isEqualTo("line 1\nline 2\n");

    as(agent.token()).heartbeat(task.id(), claim.claimToken());
    assertThat(operator().taskLog(task.id()).logTail()).as("a heartbeat without output keeps the tail")
        .isEqualTo("line 1\nline 2\n");

    List<HeldClaim> held = operator().heldClaims(agent.agent().id());
    assertThat(held).singleElement().satisfies(c -> {
      assertThat(c.taskId()).isEqualTo(task.id());
      assertThat(c.attemptId()).isEqualTo(claim.attemptId());
    });
    assertThat(operator().heldClaims(null)).extracting(HeldClaim::taskId).contains(task.id());
    assertThat(raw("GET", "/work/claims", agent.token(), null).body()).doesNotContain(claim.claimToken());

    HttpResponse<String> tooLong = raw("POST", "/work/tasks/" + task.id() + "/heartbeat", agent.token(),
        "{\"claim_token\":\"" + claim.claimToken() + "\",\"log_tail\":\"" + "x".repeat(70_000) + "\"}");
    assertThat(tooLong.statusCode()).as("more than the 64 KiB a log tail may hold").isIn(400, 413);
    assertThat(operator().taskLog(task.id()).logTail()).isEqualTo("line 1\nline 2\n");

    as(agent.token()).complete(task.id(), new CompleteRequest(claim.claimToken(), null, 0, "line 1\nline 2\ndone\n"));
    TaskLog after = operator().taskLog(task.id());
    assertThat(after.running()).isFalse();
    assertThat(after.taskStatus()).isEqualTo("succeeded");
    assertThat(after.logTail()).endsWith("done\n");
    assertThat(operator().heldClaims(agent.agent().id())).isEmpty();
  }

  @Test
  void theMissionListCountsTasksByStatusAndThePoolQueueHistoryShowsReadyTasks() {
    MissionView mission = newMission();
    String pool = "queue-" + UUID.randomUUID().toString().substring(0, 8);
    operator().submit(mission.id(), TaskRequest.of("waits", "nobody serves this pool").withPool(pool));

    List<MissionView> listed = allMissions();
    assertThat(listed).filteredOn(m -> m.id().equals(mission.id())).singleElement()
        .satisfies(m -> assertThat(m.taskCounts()).containsEntry("ready", 1L).containsEntry("failed", 0L));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(operator().queueHistory().pools().get(pool)).isNotNull().last()
            .satisfies(s -> assertThat(s.depth()).isEqualTo(1)));
  }

  private List<MissionView> allMissions() {
    List<MissionView> all = new ArrayList<>();
    String cursor = null;
    do {
      Page<MissionView> page = operator().missions(cursor, 500);
      all.addAll(page.items());
      cursor = page.nextCursor();
    } while (cursor != null);
    return all;
  }

  private JsonNode page(UUID mission, String query) throws Exception {
    HttpResponse<String> response = raw("GET", "/work/missions/" + mission + "/tasks?" + query, OPERATOR_TOKEN, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return MeshClient.JSON.readTree(response.body());
  }

  private List<String> titles(UUID mission, String query) throws Exception {
    List<String> titles = new ArrayList<>();
    page(mission, query).path("items").forEach(t -> titles.add(t.path("title").asString()));
    return titles;
  }
}
