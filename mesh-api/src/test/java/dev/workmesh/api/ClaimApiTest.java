package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshApiException;
import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.ClaimRequest;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.CompleteRequest;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.FailRequest;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.ReportRequest;
import dev.workmesh.client.model.ReportsResponse;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.node.JsonNodeFactory;

/** Claims, long-polls and fenced reports through HTTP, for each role. */
class ClaimApiTest extends ApiTestBase {

  private String pool() {
    return "p-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Autowired MeterRegistry meters;

  /** The long polls parked in this mesh-api until a task becomes ready. */
  private double longPollsWaiting() {
    return meters.get("mesh_claim_long_polls_waiting").gauge().value();
  }

  private TaskView submitIn(MissionView mission, String pool) {
    return operator().submit(mission.id(), new TaskRequest("work", "do it", null, null, pool, null, null, null, null,
        null, null, null, null, null, null)).task();
  }

  @Test
  void anAgentClaimsHeartbeatsAndCompletesItsTask() {
    String pool = pool();
    MissionView mission = newMission();
    EnrolledAgent agent = enrol(pool);
    MeshClient me = as(agent.token());
    TaskView task = submitIn(mission, pool);

    List<ClaimView> claims = me.claim(new ClaimRequest(null, mission.id(), 5, 0));
    assertThat(claims).singleElement().satisfies(c -> {
      assertThat(c.task().id()).isEqualTo(task.id());
      assertThat(c.claimToken()).startsWith("wm_claim_");
    });
    ClaimView claim = claims.getFirst();
    var ack = me.heartbeat(task.id(), claim.claimToken());
    assertThat(ack.cancelRequested()).isFalse();
    assertThat(operator().task(task.id()).status()).isEqualTo("running");

    TaskView done = me.complete(task.id(), new CompleteRequest(claim.claimToken(),
        JsonNodeFactory.instance.objectNode().put("answer", 42), 0, "all good"));
    assertThat(done.status()).isEqualTo("succeeded");
    assertThat(done.result().get("answer").asInt()).isEqualTo(42);
    assertThat(operator().task(task.id()).attempts().getFirst().logTail()).isEqualTo("all good");
  }

  @Test
  void aLongPollReturnsAsSoonAsATaskBecomesClaimable() throws Exception {
    String pool = pool();
    MissionView mission = newMission();
    EnrolledAgent agent = enrol(pool);
    CompletableFuture<List<ClaimView>> waiting = CompletableFuture.supplyAsync(
        () -> as(agent.token()).claim(new ClaimRequest(null, mission.id(), 1, 30)));
    await().atMost(Duration.ofSeconds(20)).until(() -> longPollsWaiting() > 0); // parked, found nothing yet
    long start = System.nanoTime();
    TaskView task = submitIn(mission, pool);
    List<ClaimView> claims = waiting.get();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(claims).singleElement().satisfies(c -> assertThat(c.task().id()).isEqualTo(task.id()));
    assertThat(took).isLessThan(Duration.ofSeconds(5)); // the backstop would take 15s; the wake-up is immediate
  }

  @Test
  void aLongPollWithNothingToClaimReturnsEmptyAfterItsWait() {
    EnrolledAgent agent = enrol(pool());
    long start = System.nanoTime();
    assertThat(as(agent.token()).claim(new ClaimRequest(null, null, 1, 1))).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
  }

  @Test
  void aStaleTokenIs409AndAnotherAgentsClaimIs403() {
    String pool = pool();
    MissionView mission = newMission();
    EnrolledAgent holder = enrol(pool);
    EnrolledAgent other = enrol(pool);
    TaskView task = submitIn(mission, pool);
    ClaimView claim = as(holder.token()).claimTask(task.id()).orElseThrow();
    assertThat(as(other.token()).claimTask(task.id())).isEmpty();

    assertThatThrownBy(() -> as(other.token()).complete(task.id(), new CompleteRequest(claim.claimToken(), null, 0, null)))
        .isInstanceOfSatisfying(MeshApiException.class, e -> assertThat(e.status()).isEqualTo(403));
    assertThatThrownBy(() -> as(holder.token()).heartbeat(task.id(), "wm_claim_not-a-real-token"))
        .isInstanceOfSatisfying(MeshApiException.class, e -> {
          assertThat(e.status()).isEqualTo(409);
          assertThat(e.problem().detail()).contains("not the live claim");
        });
    as(holder.token()).release(task.id(), claim.claimToken());
    assertThatThrownBy(() -> as(holder.token()).complete(task.id(), new CompleteRequest(claim.claimToken(), null, 0, null)))
        .isInstanceOfSatisfying(MeshApiException.class, e -> assertThat(e.status()).isEqualTo(409));
    assertThat(operator().task(task.id()).status()).isEqualTo("ready");
  }

  @Test
  void aWorkerClaimsNamedTasksAndReportsOnThemInOneRequestEach() {
    String pool = pool();
    MissionView mission = newMission();
    EnrolledAgent agent = enrol(pool);
    EnrolledAgent other = enrol(pool);
    MeshClient me = as(agent.token());
    List<TaskView> tasks = List.of(submitIn(mission, pool), submitIn(mission, pool), submitIn(mission, pool));
    ClaimView theirs = as(other.token()).claimTask(tasks.get(2).id()).orElseThrow();

    List<ClaimView> claims = me.claimTasks(tasks.stream().map(TaskView::id).toList());
    assertThat(claims).extracting(c -> c.task().id()).containsExactlyInAnyOrder(tasks.get(0).id(), tasks.get(1).id());

    ClaimView first = claims.stream().filter(c -> c.task().id().equals(tasks.get(0).id())).findFirst().orElseThrow();
    ClaimView second = claims.stream().filter(c -> c.task().id().equals(tasks.get(1).id())).findFirst().orElseThrow();
    List<ReportsResponse.Result> results = me.report(List.of(
        ReportRequest.succeeded(first.task().id(), first.claimToken(),
            JsonNodeFactory.instance.objectNode().put("answer", 1), 0, "ok"),
        ReportRequest.failed(second.task().id(), new FailRequest(second.claimToken(), "no luck", null, false, 3, null)),
        ReportRequest.succeeded(theirs.task().id(), theirs.claimToken(), null, 0, null)));

    assertThat(results).extracting(ReportsResponse.Result::accepted).containsExactly(true, true, false);
    assertThat(results).extracting(ReportsResponse.Result::status).containsExactly(200, 200, 403);
    assertThat(results).extracting(ReportsResponse.Result::taskStatus).containsExactly("succeeded", "failed", null);
    assertThat(results.get(2).detail()).contains(theirs.task().id().toString());
    assertThat(operator().task(first.task().id()).status()).isEqualTo("succeeded");
    assertThat(operator().task(first.task().id()).result().get("answer").asInt()).isEqualTo(1);
    assertThat(operator().task(second.task().id()).status()).isEqualTo("failed");
    assertThat(operator().task(theirs.task().id()).status()).isEqualTo("claimed");

    // a report again on an ended claim is refused as stale (409), in a 200 answer
    assertThat(me.report(List.of(ReportRequest.succeeded(first.task().id(), first.claimToken(), null, 0, null))))
        .singleElement().satisfies(r -> {
          assertThat(r.accepted()).isFalse();
          assertThat(r.status()).isEqualTo(409);
        });
    // bad input refuses the whole batch with a field error, and nothing is written
    assertThatThrownBy(() -> me.report(List.of(
        new ReportRequest(theirs.task().id(), theirs.claimToken(), "exploded", null, null, null, null, null))))
        .isInstanceOfSatisfying(MeshApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.problem().detail()).contains("reports[0].outcome");
        });
    assertThatThrownBy(() -> me.claim(new ClaimRequest(null, null, 5, null, List.of(tasks.get(0).id()))))
        .isInstanceOfSatisfying(MeshApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThatThrownBy(() -> me.claimTasks(List.of()))
        .isInstanceOfSatisfying(MeshApiException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void anAgentClaimsOnlyAsItselfAndTheOperatorNamesTheAgent() {
    String pool = pool();
    MissionView mission = newMission();
    EnrolledAgent a = enrol(pool);
    EnrolledAgent b = enrol(pool);
    submitIn(mission, pool);
    assertThatThrownBy(() -> as(a.token()).claim(new ClaimRequest(b.agent().id(), mission.id(), 1, 0)))
        .isInstanceOfSatisfying(MeshApiException.class, e -> assertThat(e.status()).isEqualTo(403));
    assertThatThrownBy(() -> operator().claim(new ClaimRequest(null, mission.id(), 1, 0)))
        .isInstanceOfSatisfying(MeshApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.problem().errors()).extracting(f -> f.field()).containsExactly("agent_id");
        });
    assertThat(operator().claim(new ClaimRequest(b.agent().id(), mission.id(), 1, 0)))
        .singleElement().satisfies(c -> assertThat(operator().task(c.task().id()).attempts().getFirst().agentId())
            .isEqualTo(b.agent().id()));
  }

  @Test
  void aFailedAttemptIsRetriedAndAManualRetryRevivesAFailedTask() {
    String pool = pool();
    MissionView mission = newMission();
    EnrolledAgent agent = enrol(pool);
    TaskView task = operator().submit(mission.id(), new TaskRequest("once", "", null, null, pool, null, null, null,
        null, 1, null, null, null, null, null)).task();
    ClaimView claim = as(agent.token()).claimTask(task.id()).orElseThrow();
    TaskView failed = as(agent.token()).fail(task.id(), new FailRequest(claim.claimToken(), "exit 2", "failed", true,
        2, "oops"));
    assertThat(failed.status()).isEqualTo("failed");
    assertThat(as(agent.token()).retry(task.id()).status()).isEqualTo("ready");
  }

  @Test
  void aReporterThatPrefersNoBodyGets204AndTheReportStillCounts() throws Exception {
    String pool = pool();
    MissionView mission = newMission();
    EnrolledAgent agent = enrol(pool);
    MeshClient me = as(agent.token());
    TaskView first = submitIn(mission, pool);
    TaskView second = submitIn(mission, pool);
    TaskView third = submitIn(mission, pool);
    ClaimView firstClaim = me.claimTask(first.id()).orElseThrow();
    ClaimView secondClaim = me.claimTask(second.id()).orElseThrow();
    ClaimView thirdClaim = me.claimTask(third.id()).orElseThrow();

    HttpResponse<String> completed = prefer("return=minimal", "/work/tasks/" + first.id() + "/complete",
        agent.token(), "{\"claim_token\":\"" + firstClaim.claimToken() + "\",\"result\":{\"n\":1}}");
    assertThat(completed.statusCode()).isEqualTo(204);
    assertThat(completed.body()).isEmpty();
    assertThat(completed.headers().firstValue("Preference-Applied")).hasValue("return=minimal");
    assertThat(operator().task(first.id()).status()).isEqualTo("succeeded");
    assertThat(operator().task(first.id()).result().get("n").asInt()).isEqualTo(1);

    me.failMinimal(second.id(), new FailRequest(secondClaim.claimToken(), "exit 2", "failed", true, 2, null));
    assertThat(operator().task(second.id()).status()).as("retried after its backoff").isEqualTo("pending");
    me.releaseMinimal(third.id(), thirdClaim.claimToken(), "no room");
    assertThat(operator().task(third.id()).status()).isEqualTo("ready");

    // Another preference, or none the server knows, is the full answer; a refusal is a problem either way.
    ClaimView again = me.claimTask(third.id()).orElseThrow();
    HttpResponse<String> full = prefer("return=representation, wait=5", "/work/tasks/" + third.id() + "/complete",
        agent.token(), "{\"claim_token\":\"" + again.claimToken() + "\"}");
    assertThat(full.statusCode()).isEqualTo(200);
    assertThat(full.headers().firstValue("Preference-Applied")).isEmpty();
    assertThat(MeshClient.JSON.readTree(full.body()).get("status").asString()).isEqualTo("succeeded");
    assertThatThrownBy(() -> me.completeMinimal(third.id(), new CompleteRequest(again.claimToken(), null, 0, null)))
        .isInstanceOfSatisfying(MeshApiException.class, e -> assertThat(e.status()).isEqualTo(409));
  }

  private HttpResponse<String> prefer(String prefer, String path, String token, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Prefer", prefer)
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void revokingAnAgentStopsItsTokenAndHandsItsClaimsBack() {
    String pool = pool();
    MissionView mission = newMission();
    EnrolledAgent agent = enrol(pool);
    TaskView task = submitIn(mission, pool);
    as(agent.token()).claimTask(task.id()).orElseThrow();
    operator().revoke(agent.agent().id());

    assertThat(operator().task(task.id()).status()).isEqualTo("ready");
    assertThatThrownBy(() -> as(agent.token()).claim(new ClaimRequest(null, null, 1, 0)))
        .isInstanceOfSatisfying(MeshApiException.class, e -> assertThat(e.status()).isEqualTo(401));
    assertThat(operator().agents()).filteredOn(a -> a.id().equals(agent.agent().id()))
        .singleElement().satisfies(a -> assertThat(a.status()).isEqualTo("revoked"));
  }

  @Test
  void cancellingARunningTaskIsSeenOnTheNextHeartbeat() {
    String pool = pool();
    MissionView mission = newMission();
    EnrolledAgent agent = enrol(pool);
    TaskView task = submitIn(mission, pool);
    ClaimView claim = as(agent.token()).claimTask(task.id()).orElseThrow();
    operator().cancel(task.id());
    assertThat(as(agent.token()).heartbeat(task.id(), claim.claimToken()).cancelRequested()).isTrue();
    TaskView cancelled = as(agent.token()).fail(task.id(),
        new FailRequest(claim.claimToken(), "stopped", "cancelled", false, 143, null));
    assertThat(cancelled.status()).isEqualTo("cancelled");
  }
}
