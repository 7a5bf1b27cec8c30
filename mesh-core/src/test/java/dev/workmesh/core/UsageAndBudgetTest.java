package dev.workmesh.core;

import dev.workmesh.client.model.TaskRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.claim.AttemptReports.Completion;
import dev.workmesh.core.claim.AttemptReports.Failure;
import dev.workmesh.core.claim.AttemptReports.Report;
import dev.workmesh.core.claim.AttemptReports.Reported;
import dev.workmesh.core.claim.Claim;
import dev.workmesh.core.claim.StaleClaimException;
import dev.workmesh.core.mission.Mission;
import dev.workmesh.core.mission.MissionBudget;
import dev.workmesh.core.task.Attempt;
import dev.workmesh.core.task.AttemptOutcome;
import dev.workmesh.core.task.ClaimPolicy;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.core.task.RetryBackoff;
import dev.workmesh.core.task.TaskStatus;
import dev.workmesh.core.usage.AttemptUsage;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The usage an agent reports with the end of an attempt is stored on that attempt and added to its
 * mission's spending, by single and batched reports alike and only when the report is accepted; a
 * mission whose budget is spent has its remaining tasks left unclaimed, while other missions go on.
 */
@MeshIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageAndBudgetTest {

  private CoreHarness mesh;

  @BeforeAll
  void start(TestDatabase database) {
    mesh = new CoreHarness(database, Duration.ofSeconds(30),
        new RetryBackoff(Duration.ZERO, Duration.ZERO, new Random(5)));
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  private static AttemptUsage usage(String model, long in, long out, String cost) {
    return new AttemptUsage(model, in, out, cost == null ? null : new BigDecimal(cost));
  }

  private String pool() {
    return "p-" + UUID.randomUUID();
  }

  private UUID submit(Mission mission, TaskRequest task) {
    return mesh.core.submitter().submit(mission.id(), task, "operator").task().id();
  }

  private UUID submit(Mission mission, String pool) {
    return submit(mission, NewTask.builder("work").pool(pool).maxAttempts(1).build());
  }

  private Attempt onlyAttempt(UUID task) {
    List<Attempt> attempts = mesh.core.tasks().attempts(task);
    assertThat(attempts).hasSize(1);
    return attempts.getFirst();
  }

  private static Claim byTask(List<Claim> claims, UUID task) {
    return claims.stream().filter(c -> c.task().id().equals(task)).findFirst().orElseThrow();
  }

  @Test
  void usageIsStoredOnTheAttemptBySingleAndBatchedReportsAndSummedOnTheMission() {
    Mission mission = mesh.mission();
    String pool = pool();
    Agent agent = mesh.agent(List.of(pool), List.of());
    UUID single = submit(mission, pool);
    UUID singleFail = submit(mission, pool);
    UUID batchedOk = submit(mission, pool);
    UUID batchedFail = submit(mission, pool);
    UUID batchedNone = submit(mission, pool);
    UUID broadcast = submit(mission, NewTask.builder("all").pool(pool).claimPolicy(ClaimPolicy.BROADCAST).build());
    List<Claim> claims = mesh.core.claims()
        .claimTasks(agent.id(), List.of(single, singleFail, batchedOk, batchedFail, batchedNone, broadcast));
    assertThat(claims).hasSize(6);

    mesh.core.reports().complete(single, byTask(claims, single).claimToken(), agent.id(),
        new Completion(null, 0, null, usage("claude-sonnet-4-5", 1000, 200, "0.0125")));
    mesh.core.reports().fail(singleFail, byTask(claims, singleFail).claimToken(), agent.id(),
        new Failure(AttemptOutcome.FAILED, "exit 1", false, 1, null, usage(null, 50, 0, null)));
    List<Reported> answers = mesh.core.batchReports().reportAll(agent.id(), List.of(
        Report.completed(batchedOk, byTask(claims, batchedOk).claimToken(),
            new Completion(null, 0, null, usage("gpt-5-codex", 300, 40, "0.002"))),
        Report.failed(batchedFail, byTask(claims, batchedFail).claimToken(),
            new Failure(AttemptOutcome.TIMED_OUT, "timed out", false, null, null, usage("gemini-2.5-pro", 7, 3, "0"))),
        Report.completed(batchedNone, byTask(claims, batchedNone).claimToken(), new Completion(null, 0, null)),
        Report.completed(broadcast, byTask(claims, broadcast).claimToken(),
            new Completion(null, 0, null, usage("m", 1, 1, "0.0005")))));
    assertThat(answers).allSatisfy(a -> assertThat(a.accepted()).isTrue());

    assertThat(onlyAttempt(single).usage()).isEqualTo(usage("claude-sonnet-4-5", 1000, 200, "0.0125"));
    assertThat(onlyAttempt(singleFail).usage()).isEqualTo(usage(null, 50, 0, null));
    assertThat(onlyAttempt(batchedOk).usage()).isEqualTo(usage("gpt-5-codex", 300, 40, "0.002"));
    assertThat(onlyAttempt(batchedOk).outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
    assertThat(onlyAttempt(batchedFail).usage()).isEqualTo(usage("gemini-2.5-pro", 7, 3, "0"));
    assertThat(onlyAttempt(batchedNone).usage()).isNull();
    assertThat(onlyAttempt(broadcast).usage()).isEqualTo(usage("m", 1, 1, "0.0005"));

    Mission after = mesh.core.missions().get(mission.id());
    assertThat(after.spentTokens()).isEqualTo(1200 + 50 + 340 + 10 + 2);
    assertThat(after.spentCostUsd()).isEqualByComparingTo("0.0150");
    assertThat(after.budget()).isNull();
    assertThat(after.budgetExhausted()).isFalse();
  }

  @Test
  void aStaleReportWithUsageChangesNothing() {
    Mission mission = mesh.mission();
    String pool = pool();
    Agent agent = mesh.agent(List.of(pool), List.of());
    UUID task = submit(mission, pool);
    Claim claim = mesh.core.claims().claimTask(agent.id(), task).orElseThrow();
    mesh.core.reports().complete(task, claim.claimToken(), agent.id(),
        new Completion(null, 0, null, usage("first", 10, 5, "0.01")));

    assertThatThrownBy(() -> mesh.core.reports().complete(task, claim.claimToken(), agent.id(),
        new Completion(null, 0, null, usage("again", 999, 999, "9")))).isInstanceOf(StaleClaimException.class);
    assertThatThrownBy(() -> mesh.core.reports().fail(task, "wm_claim_" + "0".repeat(64), agent.id(),
        new Failure(AttemptOutcome.FAILED, "x", true, 1, null, usage("forged", 999, 999, "9"))))
        .isInstanceOf(StaleClaimException.class);
    List<Reported> batch = mesh.core.batchReports().reportAll(agent.id(), List.of(
        Report.completed(task, claim.claimToken(), new Completion(null, 0, null, usage("batched", 999, 999, "9")))));
    assertThat(batch.getFirst().refusal()).isInstanceOf(StaleClaimException.class);

    assertThat(onlyAttempt(task).usage()).isEqualTo(usage("first", 10, 5, "0.01"));
    Mission after = mesh.core.missions().get(mission.id());
    assertThat(after.spentTokens()).isEqualTo(15);
    assertThat(after.spentCostUsd()).isEqualByComparingTo("0.01");
  }

  @Test
  void aSpentBudgetStopsClaimsOfItsMissionButNotOfOthersAndRunningAttemptsMayFinish() {
    String pool = pool();
    Agent agent = mesh.agent(List.of(pool), List.of());
    Mission budgeted = mesh.core.missions().create("budgeted-" + UUID.randomUUID(), "",
        new MissionBudget(1000L, null));
    Mission byCost = mesh.core.missions().create("by-cost-" + UUID.randomUUID(), "",
        new MissionBudget(null, new BigDecimal("0.05")));
    Mission free = mesh.mission();
    UUID first = submit(budgeted, pool);
    UUID running = submit(budgeted, pool);
    UUID left = submit(budgeted, pool);
    UUID costly = submit(byCost, pool);
    UUID costLeft = submit(byCost, pool);
    UUID elsewhere = submit(free, pool);
    assertThat(mesh.core.missions().get(budgeted.id()).budget()).isEqualTo(new MissionBudget(1000L, null));

    List<Claim> claims = mesh.core.claims().claimTasks(agent.id(), List.of(first, running, costly));
    assertThat(claims).hasSize(3);
    mesh.core.reports().complete(first, byTask(claims, first).claimToken(), agent.id(),
        new Completion(null, 0, null, usage("m", 900, 100, null)));
    mesh.core.reports().complete(costly, byTask(claims, costly).claimToken(), agent.id(),
        new Completion(null, 0, null, usage("m", 1, 1, "0.05")));

    Mission spent = mesh.core.missions().get(budgeted.id());
    assertThat(spent.budgetExhausted()).isTrue();
    assertThat(spent.spentTokens()).isEqualTo(1000);
    assertThat(mesh.core.missions().get(byCost.id()).budgetExhausted()).isTrue();

    // Named, in the mission, or anywhere: nothing of a spent mission is claimed; the free one is.
    assertThat(mesh.core.claims().claimTasks(agent.id(), List.of(left, costLeft))).isEmpty();
    assertThat(mesh.core.claims().claimNext(agent.id(), budgeted.id(), 10)).isEmpty();
    UUID broadcast = submit(budgeted, NewTask.builder("all").pool(pool).claimPolicy(ClaimPolicy.BROADCAST).build());
    List<Claim> anything = mesh.core.claims().claimNext(agent.id(), null, 10);
    assertThat(anything).extracting(c -> c.task().id()).containsExactly(elsewhere);
    assertThat(mesh.core.tasks().get(left).status()).isEqualTo(TaskStatus.READY);
    assertThat(mesh.core.tasks().get(broadcast).status()).isEqualTo(TaskStatus.READY);
    assertThat(mesh.core.diagnosis().whyWaiting(mesh.core.tasks().get(left)))
        .as("the task says why it waits").hasValueSatisfying(w -> assertThat(w.requirement()).isEqualTo("budget"));
    assertThat(mesh.core.diagnosis().whyWaiting(mesh.core.tasks().get(elsewhere))).isEmpty();

    // The attempt that was already running finishes, and what it spent still counts.
    mesh.core.reports().complete(running, byTask(claims, running).claimToken(), agent.id(),
        new Completion(null, 0, null, usage("m", 20, 30, null)));
    assertThat(mesh.core.tasks().get(running).status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(mesh.core.missions().get(budgeted.id()).spentTokens()).isEqualTo(1050);

    // The re-dispatch sweep publishes nothing for a spent mission; raising its budget frees its tasks.
    mesh.clock.advance(Duration.ofMinutes(10));
    mesh.core.maintenance().redispatchStale(Duration.ofMinutes(1), 1000);
    assertThat(dispatchRecords(left)).isEqualTo(1);
    Mission raised = mesh.core.missions().setBudget(budgeted.id(), new MissionBudget(5000L, null));
    assertThat(raised.budgetExhausted()).isFalse();
    assertThat(mesh.core.diagnosis().whyWaiting(mesh.core.tasks().get(left))).isEmpty();
    mesh.core.maintenance().redispatchStale(Duration.ofMinutes(1), 1000);
    assertThat(dispatchRecords(left)).isEqualTo(2);
    assertThat(mesh.core.claims().claimTasks(agent.id(), List.of(left, costLeft)))
        .extracting(c -> c.task().id()).containsExactly(left);
  }

  private long dispatchRecords(UUID task) {
    return mesh.core.db().jdbc()
        .sql("SELECT count(*) FROM outbox WHERE topic = 'mesh.tasks.pooled' AND message_key = :k")
        .param("k", task.toString()).query(Long.class).single();
  }
}
