package dev.workmesh.core;

import dev.workmesh.client.model.TaskRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.claim.AttemptReports.Completion;
import dev.workmesh.core.claim.Claim;
import dev.workmesh.core.mission.Mission;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.core.task.TaskStatus;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Invariant 1: a first_claim task never has two live attempts, however many claimers compete. */
@MeshIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClaimExactlyOnceTest {

  private static final int TASKS = 2_000;
  private static final int CLAIMERS = 16;

  private CoreHarness mesh;

  @BeforeAll
  void start(TestDatabase database) {
    mesh = new CoreHarness(database);
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  @Test
  void sixteenCompetingClaimersClaimEachOf2000TasksExactlyOnce() throws Exception {
    Mission mission = mesh.mission();
    List<TaskRequest> batch = IntStream.range(0, TASKS).mapToObj(i -> NewTask.of("task " + i, "do " + i)).toList();
    for (int from = 0; from < TASKS; from += 500) {
      mesh.core.submitter().submitAll(mission.id(), batch.subList(from, from + 500), "operator");
    }
    List<Agent> agents = IntStream.range(0, CLAIMERS).mapToObj(i -> mesh.agent()).toList();

    Map<UUID, UUID> claimedBy = new ConcurrentHashMap<>();
    AtomicInteger doubleClaims = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(CLAIMERS);
    List<Future<Integer>> results = new ArrayList<>();
    for (Agent agent : agents) {
      results.add(pool.submit(() -> {
        go.await();
        int mine = 0;
        while (true) {
          List<Claim> claims = mesh.core.claims().claimNext(agent.id(), mission.id(), 1 + mine % 4);
          if (claims.isEmpty()) {
            return mine;
          }
          for (Claim claim : claims) {
            if (claimedBy.putIfAbsent(claim.task().id(), agent.id()) != null) {
              doubleClaims.incrementAndGet();
            }
            mesh.core.reports().complete(claim.task().id(), claim.claimToken(), agent.id(),
                new Completion(null, 0, null));
            mine++;
          }
        }
      }));
    }
    go.countDown();
    int total = 0;
    int busyClaimers = 0;
    for (Future<Integer> r : results) {
      int n = r.get();
      total += n;
      busyClaimers += n > 0 ? 1 : 0;
    }
    pool.shutdown();

    assertThat(doubleClaims.get()).isZero();
    assertThat(total).isEqualTo(TASKS);
    assertThat(claimedBy).hasSize(TASKS);
    assertThat(busyClaimers).as("the work spreads over the claimers").isGreaterThan(CLAIMERS / 2);
    assertThat(mesh.core.tasks().countByStatus(mission.id()).get(TaskStatus.SUCCEEDED)).isEqualTo(TASKS);
    Long attempts = mesh.core.db().jdbc()
        .sql("SELECT count(*) FROM attempt a JOIN task t ON t.id = a.task_id WHERE t.mission_id = :m")
        .param("m", mission.id()).query(Long.class).single();
    assertThat(attempts).isEqualTo(TASKS);
  }

  @Test
  void theDatabaseItselfRefusesASecondLiveAttemptOfOneTask() {
    Mission mission = mesh.mission();
    UUID task = mesh.core.submitter().submit(mission.id(), NewTask.of("one", ""), "operator").task().id();
    Agent a = mesh.agent();
    Agent b = mesh.agent();
    mesh.core.claims().claimTask(a.id(), task).orElseThrow();

    // Bypass the claim engine entirely: the unique partial index still says no.
    var insert = mesh.core.db().jdbc().sql(
        "INSERT INTO attempt (id, task_id, agent_id, number, broadcast, claim_token_hash, lease_expires_at, claimed_at)"
            + " VALUES (gen_random_uuid(), :task, :agent, 2, false, '\\x00', now(), now())")
        .param("task", task).param("agent", b.id());
    org.assertj.core.api.Assertions.assertThatThrownBy(insert::update)
        .hasMessageContaining("attempt_one_live_per_task");
    assertThat(mesh.core.claims().claimTask(b.id(), task)).isEmpty();
  }
}
