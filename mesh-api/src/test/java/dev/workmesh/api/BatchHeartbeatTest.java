package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.HeartbeatsRequest;
import dev.workmesh.client.model.HeartbeatsResponse;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /work/heartbeats}: one request renews many claims, each fenced by its own token. A stale
 * token or another agent's claim is refused for that claim only, and changes nothing; the others stand.
 */
class BatchHeartbeatTest extends ApiTestBase {

  private TaskView submit(MissionView mission, String pool) {
    return operator().submit(mission.id(), new TaskRequest("work", "do it", null, null, pool, null, null,
        null, null, null, null, null, null, null, null)).task();
  }

  @Test
  void eachClaimIsFencedByItsOwnTokenAndAStaleOneIsRefusedAlone() {
    MissionView mission = newMission();
    String pool = "p-" + UUID.randomUUID();
    EnrolledAgent worker = enrol(pool);
    EnrolledAgent other = enrol(pool);
    TaskView live = submit(mission, pool);
    TaskView staleOne = submit(mission, pool);
    TaskView othersTask = submit(mission, pool);
    MeshClient client = as(worker.token());
    ClaimView liveClaim = client.claimTask(live.id()).orElseThrow();
    ClaimView heldClaim = client.claimTask(staleOne.id()).orElseThrow();
    ClaimView othersClaim = as(other.token()).claimTask(othersTask.id()).orElseThrow();

    List<HeartbeatsResponse.Result> results = client.heartbeatAll(List.of(
        new HeartbeatsRequest.Claim(live.id(), liveClaim.claimToken()),
        new HeartbeatsRequest.Claim(staleOne.id(), "a-token-no-claim-of-this-task-was-issued"),
        new HeartbeatsRequest.Claim(othersTask.id(), othersClaim.claimToken())));

    assertThat(results).extracting(HeartbeatsResponse.Result::taskId)
        .containsExactly(live.id(), staleOne.id(), othersTask.id());
    HeartbeatsResponse.Result renewed = results.get(0);
    assertThat(renewed.accepted()).isTrue();
    assertThat(renewed.status()).isEqualTo(200);
    assertThat(renewed.attemptId()).isEqualTo(liveClaim.attemptId());
    assertThat(renewed.leaseExpiresAt()).isAfter(Instant.now());
    assertThat(renewed.cancelled()).isFalse();
    assertThat(results.get(1).accepted()).isFalse();
    assertThat(results.get(1).status()).isEqualTo(409);
    assertThat(results.get(1).detail()).isNotBlank();
    assertThat(results.get(2).accepted()).isFalse();
    assertThat(results.get(2).status()).isEqualTo(403);

    // The renewed claim's task runs now; the refused ones changed nothing.
    assertThat(operator().task(live.id()).status()).isEqualTo("running");
    assertThat(operator().task(staleOne.id()).status()).isEqualTo("claimed");
    assertThat(operator().task(othersTask.id()).status()).isEqualTo("claimed");
    // The claim behind the stale token is still live: its real token renews it.
    HeartbeatsResponse.Result realToken =
        client.heartbeatAll(List.of(new HeartbeatsRequest.Claim(staleOne.id(), heldClaim.claimToken()))).getFirst();
    assertThat(realToken.accepted()).isTrue();
    assertThat(operator().task(staleOne.id()).status()).isEqualTo("running");
  }

  @Test
  void aCancelledTaskSaysSoInItsOwnResult() {
    MissionView mission = newMission();
    String pool = "p-" + UUID.randomUUID();
    EnrolledAgent worker = enrol(pool);
    TaskView kept = submit(mission, pool);
    TaskView cancelled = submit(mission, pool);
    MeshClient client = as(worker.token());
    ClaimView keptClaim = client.claimTask(kept.id()).orElseThrow();
    ClaimView cancelledClaim = client.claimTask(cancelled.id()).orElseThrow();
    operator().cancel(cancelled.id());

    List<HeartbeatsResponse.Result> results = client.heartbeatAll(List.of(
        new HeartbeatsRequest.Claim(kept.id(), keptClaim.claimToken()),
        new HeartbeatsRequest.Claim(cancelled.id(), cancelledClaim.claimToken())));

    assertThat(results.get(0).accepted()).isTrue();
    assertThat(results.get(0).cancelled()).isFalse();
    // Cancelling a claimed task asks its holder to stop: either its heartbeat says so, or the claim has ended.
    HeartbeatsResponse.Result second = results.get(1);
    assertThat(second.accepted() ? second.cancelled() : second.status() == 409).isTrue();
  }

  @Test
  void eachClaimsOutputSoFarIsStoredWithItsRenewal() {
    MissionView mission = newMission();
    String pool = "p-" + UUID.randomUUID();
    EnrolledAgent worker = enrol(pool);
    TaskView first = submit(mission, pool);
    TaskView second = submit(mission, pool);
    MeshClient client = as(worker.token());
    ClaimView firstClaim = client.claimTask(first.id()).orElseThrow();
    ClaimView secondClaim = client.claimTask(second.id()).orElseThrow();

    client.heartbeatAll(List.of(
        new HeartbeatsRequest.Claim(first.id(), firstClaim.claimToken(), "step 1\n"),
        new HeartbeatsRequest.Claim(second.id(), secondClaim.claimToken())));
    client.heartbeatAll(List.of(new HeartbeatsRequest.Claim(first.id(), firstClaim.claimToken(), null)));

    assertThat(client.taskLog(first.id()).logTail()).as("a null tail leaves the stored one").isEqualTo("step 1\n");
    assertThat(client.taskLog(second.id()).logTail()).isNull();
  }

  @Test
  void aMalformedBatchIsA400AndRenewsNothing() throws Exception {
    MissionView mission = newMission();
    String pool = "p-" + UUID.randomUUID();
    EnrolledAgent worker = enrol(pool);
    TaskView task = submit(mission, pool);
    ClaimView claim = as(worker.token()).claimTask(task.id()).orElseThrow();
    String one = "{\"task_id\":\"" + task.id() + "\",\"claim_token\":\"" + claim.claimToken() + "\"}";

    HttpResponse<String> twice = raw("POST", "/work/heartbeats", worker.token(), "{\"heartbeats\":[" + one + "," + one + "]}");
    assertThat(twice.statusCode()).as(twice.body()).isEqualTo(400);
    assertThat(twice.body()).contains("heartbeats[1].task_id");
    HttpResponse<String> empty = raw("POST", "/work/heartbeats", worker.token(), "{\"heartbeats\":[]}");
    assertThat(empty.statusCode()).as(empty.body()).isEqualTo(400);
    HttpResponse<String> noToken = raw("POST", "/work/heartbeats", null, "{\"heartbeats\":[" + one + "]}");
    assertThat(noToken.statusCode()).isEqualTo(401);

    assertThat(operator().task(task.id()).status()).isEqualTo("claimed");
  }
}
