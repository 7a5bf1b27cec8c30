package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.model.ClaimRequest;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.StrandedPoolsResponse;
import dev.workmesh.client.model.TaskRequest;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@code GET /work/pools/stranded}: a worker waiting there is told when a task of its pools stays ready past
 * {@code mesh-api.long-poll.stranded-after} (2 s here) after its dispatch record, and only then.
 */
class StrandedPoolsApiTest extends ApiTestBase {

  private static final Duration STRANDED_AFTER = Duration.ofSeconds(2);

  @Autowired MeterRegistry meters;

  private static String pool() {
    return "s-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private double waiting() {
    return meters.get("mesh_stranded_pool_waits").gauge().value();
  }

  private void submitIn(MissionView mission, String pool) {
    operator().submit(mission.id(), new TaskRequest("work", "do it", null, null, pool, null, null, null, null,
        null, null, null, null, null, null));
  }

  @Test
  void aWaitingWorkerIsToldOnceATaskOfItsPoolIsStrandedAndWorkersOfOtherPoolsAreNot() throws Exception {
    String pool = pool();
    MissionView mission = newMission();
    EnrolledAgent idle = enrol(pool);
    EnrolledAgent elsewhere = enrol(pool());
    CompletableFuture<StrandedPoolsResponse> mine = CompletableFuture.supplyAsync(
        () -> as(idle.token()).strandedPools(30));
    CompletableFuture<StrandedPoolsResponse> theirs = CompletableFuture.supplyAsync(
        () -> as(elsewhere.token()).strandedPools(6));
    await().atMost(Duration.ofSeconds(20)).until(() -> waiting() >= 2);

    long submitted = System.nanoTime();
    submitIn(mission, pool); // nobody claims it: its record brings it to no one
    StrandedPoolsResponse answer = mine.get(25, java.util.concurrent.TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - submitted);

    assertThat(answer.pools()).containsExactly(pool);
    assertThat(answer.strandedAfterMs()).isEqualTo(STRANDED_AFTER.toMillis());
    assertThat(took).as("a fresh task is left to its record").isGreaterThanOrEqualTo(STRANDED_AFTER.minusMillis(100));
    assertThat(theirs.get(25, java.util.concurrent.TimeUnit.SECONDS).pools()).as("another pool's waiter").isEmpty();
    assertThat(as(idle.token()).strandedPools(0).pools()).as("asked without waiting").containsExactly(pool);
  }

  @Test
  void aTaskClaimedInTimeWakesNobody() throws Exception {
    String pool = pool();
    MissionView mission = newMission();
    EnrolledAgent idle = enrol(pool);
    EnrolledAgent fast = enrol(pool);
    CompletableFuture<StrandedPoolsResponse> waiting = CompletableFuture.supplyAsync(
        () -> as(idle.token()).strandedPools(5));
    await().atMost(Duration.ofSeconds(20)).until(() -> waiting() >= 1);

    submitIn(mission, pool);
    assertThat(as(fast.token()).claim(new ClaimRequest(null, mission.id(), 1, 0))).hasSize(1);

    assertThat(waiting.get(25, java.util.concurrent.TimeUnit.SECONDS).pools()).isEmpty();
    assertThat(as(idle.token()).strandedPools(0).pools()).isEmpty();
  }

  @Test
  void badWaitsAndOtherAgentsAreRefusedWithAProblem() throws Exception {
    EnrolledAgent a = enrol(pool());
    EnrolledAgent b = enrol(pool());
    assertProblem(raw("GET", "/work/pools/stranded?wait_seconds=-1", a.token(), null), 400, "wait_seconds");
    assertProblem(raw("GET", "/work/pools/stranded?wait_seconds=61", a.token(), null), 400, "wait_seconds");
    assertProblem(raw("GET", "/work/pools/stranded?wait_seconds=soon", a.token(), null), 400, "wait_seconds");
    assertProblem(raw("GET", "/work/pools/stranded", OPERATOR_TOKEN, null), 400, "agent_id");
    assertProblem(raw("GET", "/work/pools/stranded?agent_id=" + b.agent().id(), a.token(), null), 403,
        b.agent().id().toString());
    assertProblem(raw("GET", "/work/pools/stranded", null, null), 401);
    assertThat(raw("GET", "/work/pools/stranded?agent_id=" + b.agent().id(), OPERATOR_TOKEN, null).statusCode())
        .isEqualTo(200);
  }

  private static void assertProblem(HttpResponse<String> response, int status, String... fragments) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("application/problem+json"));
    for (String fragment : fragments) {
      assertThat(response.body()).contains(fragment);
    }
  }
}
