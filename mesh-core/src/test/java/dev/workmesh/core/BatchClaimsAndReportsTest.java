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
import dev.workmesh.core.claim.LeaseRenewals;
import dev.workmesh.core.claim.LeaseRenewals.Renewal;
import dev.workmesh.core.claim.LeaseRenewals.Renewed;
import dev.workmesh.core.claim.NotYourClaimException;
import dev.workmesh.core.claim.StaleClaimException;
import dev.workmesh.core.mission.Mission;
import dev.workmesh.core.outbox.TaskEvent;
import dev.workmesh.core.task.AttemptOutcome;
import dev.workmesh.core.task.Attempt;
import dev.workmesh.core.task.ClaimPolicy;
import dev.workmesh.core.task.MeshTask;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.core.task.RetryBackoff;
import dev.workmesh.core.task.TaskStatus;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * Claims of several named tasks in one statement, and batches of reports in one transaction: each
 * report fenced by its own token and judged on its own (invariant 2), and a batched completion leaves
 * exactly the rows and events a single one does.
 */
@MeshIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchClaimsAndReportsTest {

  private static final Duration LEASE = Duration.ofSeconds(30);
  private CoreHarness mesh;

  @BeforeAll
  void start(TestDatabase database) {
    mesh = new CoreHarness(database, LEASE, new RetryBackoff(Duration.ZERO, Duration.ZERO, new Random(3)));
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  private UUID submit(Mission mission, TaskRequest task) {
    return mesh.core.submitter().submit(mission.id(), task, "operator").task().id();
  }

  private JsonNode json(String text) {
    return mesh.core.db().json().readTree(text);
  }

  private long events(UUID taskId, String type) {
    return mesh.core.db().jdbc()
        .sql("SELECT count(*) FROM outbox WHERE topic = 'mesh.task-events' AND message_key = :k"
            + " AND payload->>'type' = :type")
        .param("k", taskId.toString()).param("type", type).query(Long.class).single();
  }

  @Test
  void aClaimIsOneRoundTripThatWritesEachClaimsEventAsTheJavaSideWouldWriteIt() {
    Mission mission = mesh.mission();
    Agent me = mesh.agent(List.of("events-" + UUID.randomUUID()), List.of());
    UUID pooled = submit(mission, NewTask.builder("pooled").pool(me.pools().getFirst()).build());
    UUID everyone = submit(mission,
        NewTask.builder("everyone").pool(me.pools().getFirst()).claimPolicy(ClaimPolicy.BROADCAST).build());
    AtomicInteger roundTrips = new AtomicInteger();

    MeshCore counted = mesh.countingRoundTrips(roundTrips);

    Claim claim = counted.claims().claimTask(me.id(), pooled).orElseThrow();
    assertThat(roundTrips).as("the claim, its attempt and its event").hasValue(1);
    roundTrips.set(0);
    Claim target = counted.claims().claimTask(me.id(), everyone).orElseThrow();
    assertThat(roundTrips).as("the claim with the broadcast's start and its event, then a read of the task").hasValue(2);
    assertThat(mesh.core.tasks().get(everyone).status()).as("running from its first target's claim on")
        .isEqualTo(TaskStatus.RUNNING);
    assertThat(target.task().status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(claim.task().status()).isEqualTo(TaskStatus.CLAIMED);
    assertThat(payload(pooled, "task.claimed")).as("as the mesh's mapper writes the event").isEqualTo(
        new TaskEvent(eventId(pooled, "task.claimed"), "task.claimed", pooled, mission.id(), "claimed", "ready", 1,
            me.id(), claim.attemptId(), null, mesh.clock.instant()));
    assertThat(payload(everyone, "task.target_claimed")).isEqualTo(
        new TaskEvent(eventId(everyone, "task.target_claimed"), "task.target_claimed", everyone, mission.id(), "running",
            "running", 1, me.id(), target.attemptId(), null, mesh.clock.instant()));
  }

  @Test
  void aCompletionAloneIsOneRoundTripThatWritesItsEventAndItsDependentsBecomeReadyAfterIt() {
    Mission mission = mesh.mission();
    Agent me = mesh.agent(List.of("done-" + UUID.randomUUID()), List.of());
    String pool = me.pools().getFirst();
    UUID solo = submit(mission, NewTask.builder("solo").pool(pool).build());
    UUID first = submit(mission, NewTask.builder("first").pool(pool).build());
    UUID second = submit(mission, NewTask.builder("second").pool(pool).build());
    UUID afterFirst = submit(mission, NewTask.builder("after first").pool(pool).dependsOn(List.of(first)).build());
    UUID afterBoth =
        submit(mission, NewTask.builder("after both").pool(pool).dependsOn(List.of(first, second)).build());
    List<Claim> claims = mesh.core.claims().claimTasks(me.id(), List.of(solo, first, second));
    assertThat(claims).hasSize(3);
    AtomicInteger roundTrips = new AtomicInteger();
    MeshCore counted = mesh.countingRoundTrips(roundTrips);

    Claim soloClaim = byTask(claims, solo);
    assertThat(counted.reports().complete(solo, soloClaim.claimToken(), me.id(), new Completion(json("7"), 0, "ok")))
        .isEqualTo(ClaimPolicy.FIRST_CLAIM);
    assertThat(roundTrips).as("the attempt ended, the task moved and its event written: one statement, no commit")
        .hasValue(1);
    assertThat(mesh.core.tasks().get(solo).status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(mesh.core.tasks().get(solo).result()).isEqualTo(json("7"));
    assertThat(payload(solo, "task.succeeded")).as("as the mesh's mapper writes the event").isEqualTo(
        new TaskEvent(eventId(solo, "task.succeeded"), "task.succeeded", solo, mission.id(), "succeeded", "claimed", 1,
            me.id(), soloClaim.attemptId(), null, mesh.clock.instant()));

    counted.reports().complete(first, byTask(claims, first).claimToken(), me.id(), new Completion(null, 0, null));
    assertThat(mesh.core.tasks().get(afterFirst).status()).as("its one dependency succeeded")
        .isEqualTo(TaskStatus.READY);
    assertThat(events(afterFirst, "task.ready")).isEqualTo(1);
    assertThat(mesh.core.tasks().get(afterBoth).status()).as("the second has not").isEqualTo(TaskStatus.PENDING);
    counted.reports().complete(second, byTask(claims, second).claimToken(), me.id(), new Completion(null, 0, null));
    assertThat(mesh.core.tasks().get(afterBoth).status()).isEqualTo(TaskStatus.READY);
    assertThat(events(afterBoth, "task.ready")).isEqualTo(1);
  }

  @Test
  void aBatchOfHeartbeatsIsOneRoundTripThatStartsItsTasksAndRefusesTheOthersOneByOne() {
    Mission mission = mesh.mission();
    Agent me = mesh.agent(List.of("beat-" + UUID.randomUUID()), List.of());
    Agent other = mesh.agent(me.pools(), List.of());
    String pool = me.pools().getFirst();
    UUID a = submit(mission, NewTask.builder("a").pool(pool).build());
    UUID b = submit(mission, NewTask.builder("b").pool(pool).build());
    UUID theirs = submit(mission, NewTask.builder("theirs").pool(pool).build());
    UUID everyone = submit(mission, NewTask.builder("everyone").pool(pool).claimPolicy(ClaimPolicy.BROADCAST).build());
    List<Claim> claims = mesh.core.claims().claimTasks(me.id(), List.of(a, b, everyone));
    assertThat(claims).hasSize(3);
    Claim their = mesh.core.claims().claimTasks(other.id(), List.of(theirs)).getFirst();
    AtomicInteger roundTrips = new AtomicInteger();
    LeaseRenewals renewals = new LeaseRenewals(mesh.countingRoundTrips(roundTrips).reports());

    List<Renewed> first = renewals.renewAll(me.id(), List.of(
        new Renewal(a, byTask(claims, a).claimToken(), "line 1\n"), new Renewal(b, byTask(claims, b).claimToken(), null)));
    assertThat(roundTrips).as("both leases renewed, both tasks started, their events written: one statement, no commit")
        .hasValue(1);
    assertThat(first).extracting(Renewed::taskId).containsExactly(a, b);
    assertThat(first).allSatisfy(r -> {
      assertThat(r.accepted()).isTrue();
      assertThat(r.ack().attemptId()).isEqualTo(byTask(claims, r.taskId()).attemptId());
      assertThat(r.ack().leaseExpiresAt()).isEqualTo(mesh.clock.instant().plus(LEASE));
      assertThat(r.ack().cancelRequested()).isFalse();
      assertThat(mesh.core.tasks().get(r.taskId()).status()).isEqualTo(TaskStatus.RUNNING);
    });
    assertThat(payload(a, "task.running")).as("as the mesh's mapper writes the event").isEqualTo(
        new TaskEvent(eventId(a, "task.running"), "task.running", a, mission.id(), "running", "claimed", 1, me.id(),
            byTask(claims, a).attemptId(), null, mesh.clock.instant()));
    assertThat(logTail(a)).isEqualTo("line 1\n");

    roundTrips.set(0);
    mesh.clock.advance(Duration.ofSeconds(5));
    mesh.core.actions().cancel(b);
    assertThat(renewals.renewAll(me.id(), List.of(new Renewal(a, byTask(claims, a).claimToken(), null),
        new Renewal(b, byTask(claims, b).claimToken(), null))))
        .extracting(r -> r.ack().cancelRequested()).containsExactly(false, true);
    assertThat(roundTrips).hasValue(1);
    assertThat(events(a, "task.running")).as("started once").isEqualTo(1);
    assertThat(logTail(a)).as("no tail sent: the stored one stays").isEqualTo("line 1\n");
    assertThat(mesh.core.db().jdbc().sql("SELECT lease_expires_at FROM attempt WHERE id = :id")
        .param("id", byTask(claims, a).attemptId()).query(java.time.OffsetDateTime.class).single().toInstant())
        .isEqualTo(mesh.clock.instant().plus(LEASE));

    List<Renewed> mixed = renewals.renewAll(me.id(), List.of(
        new Renewal(a, byTask(claims, a).claimToken(), null),
        new Renewal(b, "wm_claim_not-the-token", null),
        new Renewal(theirs, their.claimToken(), null),
        new Renewal(everyone, byTask(claims, everyone).claimToken(), null)));
    assertThat(mixed).extracting(Renewed::taskId).containsExactly(a, b, theirs, everyone);
    assertThat(mixed.get(0).accepted()).isTrue();
    assertThat(mixed.get(1).refusal()).isInstanceOf(StaleClaimException.class);
    assertThat(mixed.get(2).refusal()).isInstanceOf(NotYourClaimException.class);
    assertThat(mixed.get(3).accepted()).as("a broadcast target's claim, renewed on its own").isTrue();
    assertThat(mesh.core.db().jdbc().sql("SELECT status FROM broadcast_target WHERE task_id = :t AND agent_id = :a")
        .param("t", everyone).param("a", me.id()).query(String.class).single()).isEqualTo("running");
    assertThat(mesh.core.tasks().get(theirs).status()).as("not started by someone else's heartbeat")
        .isEqualTo(TaskStatus.CLAIMED);
  }

  private String logTail(UUID taskId) {
    return mesh.core.db().jdbc().sql("SELECT log_tail FROM attempt WHERE task_id = :t AND outcome IS NULL")
        .param("t", taskId).query(String.class).single();
  }

  /** The one event of this type of the task, as written, with its keys in the order the mesh's mapper writes them. */
  private TaskEvent payload(UUID taskId, String type) {
    String text = mesh.core.db().jdbc()
        .sql("SELECT payload::text FROM outbox WHERE topic = 'mesh.task-events' AND message_key = :k"
            + " AND payload->>'type' = :type")
        .param("k", taskId.toString()).param("type", type).query(String.class).single();
    TaskEvent event = mesh.core.db().json().readValue(text, TaskEvent.class);
    assertThat(List.copyOf(mesh.core.db().json().readTree(text).propertyNames()))
        .containsExactlyElementsOf(mesh.core.db().json().readTree(mesh.core.db().writeJson(event)).propertyNames());
    return event;
  }

  private UUID eventId(UUID taskId, String type) {
    return UUID.fromString(mesh.core.db().jdbc()
        .sql("SELECT payload->>'event_id' FROM outbox WHERE message_key = :k AND payload->>'type' = :type")
        .param("k", taskId.toString()).param("type", type).query(String.class).single());
  }

  @Test
  void claimingNamedTasksTakesOnlyThoseStillClaimableByThisAgent() {
    Mission mission = mesh.mission();
    Agent me = mesh.agent();
    Agent other = mesh.agent();
    UUID free1 = submit(mission, NewTask.of("free 1", ""));
    UUID free2 = submit(mission, NewTask.of("free 2", ""));
    UUID taken = submit(mission, NewTask.of("taken", ""));
    UUID elsewhere = submit(mission, NewTask.builder("other pool").pool("gpu").build());
    UUID unlisted = submit(mission, NewTask.of("not listed", ""));
    mesh.core.claims().claimTask(other.id(), taken).orElseThrow();

    List<Claim> claims = mesh.core.claims()
        .claimTasks(me.id(), List.of(free1, taken, elsewhere, UUID.randomUUID(), free2, free1));

    assertThat(claims).extracting(c -> c.task().id()).containsExactlyInAnyOrder(free1, free2);
    assertThat(claims).allSatisfy(c -> {
      assertThat(c.task().status()).isEqualTo(TaskStatus.CLAIMED);
      assertThat(c.claimToken()).startsWith("wm_claim_");
    });
    assertThat(mesh.core.tasks().get(unlisted).status()).isEqualTo(TaskStatus.READY);
    assertThat(mesh.core.tasks().get(elsewhere).status()).isEqualTo(TaskStatus.READY);
    assertThat(mesh.core.tasks().attempts(taken)).singleElement()
        .satisfies(a -> assertThat(a.agentId()).isEqualTo(other.id()));
    assertThat(events(free1, "task.claimed")).isEqualTo(1);
  }

  @Test
  void aBatchOfReportsIsJudgedReportByReportAndAcceptedOnesAreApplied() {
    Mission mission = mesh.mission();
    Agent me = mesh.agent();
    Agent other = mesh.agent();
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(submit(mission, NewTask.builder("t" + i).maxAttempts(3).build()));
    }
    UUID theirs = submit(mission, NewTask.of("theirs", ""));
    List<Claim> mine = mesh.core.claims().claimTasks(me.id(), ids);
    assertThat(mine).hasSize(5);
    Claim theirClaim = mesh.core.claims().claimTask(other.id(), theirs).orElseThrow();
    Claim c0 = byTask(mine, ids.get(0));
    Claim c1 = byTask(mine, ids.get(1));
    Claim c2 = byTask(mine, ids.get(2));
    Claim c3 = byTask(mine, ids.get(3));
    Claim c4 = byTask(mine, ids.get(4));
    mesh.core.reports().heartbeat(c1.task().id(), c1.claimToken(), me.id()); // c1 is running, the others claimed

    List<Reported> answers = mesh.core.batchReports().reportAll(me.id(), List.of(
        Report.completed(ids.get(0), c0.claimToken(), new Completion(json("{\"n\":0}"), 0, "log 0")),
        Report.completed(ids.get(1), c1.claimToken(), new Completion(json("[1]"), 0, null)),
        Report.failed(ids.get(2), c2.claimToken(), new Failure(AttemptOutcome.FAILED, "boom", true, 2, "tail")),
        Report.completed(ids.get(3), "wm_claim_not-the-token", new Completion(null, 0, null)),
        Report.completed(theirs, theirClaim.claimToken(), new Completion(null, 0, null)),
        Report.completed(ids.get(4), c4.claimToken(), new Completion(null, null, null))));

    assertThat(answers).extracting(Reported::taskId)
        .containsExactly(ids.get(0), ids.get(1), ids.get(2), ids.get(3), theirs, ids.get(4));
    assertThat(answers).extracting(Reported::accepted).containsExactly(true, true, true, false, false, true);
    assertThat(answers).extracting(Reported::taskStatus).containsExactly(TaskStatus.SUCCEEDED,
        TaskStatus.SUCCEEDED, TaskStatus.READY, null, null, TaskStatus.SUCCEEDED);
    assertThat(answers.get(3).refusal()).isInstanceOf(StaleClaimException.class);
    assertThat(answers.get(4).refusal()).isInstanceOf(NotYourClaimException.class);
    assertThat(answers.get(0).claimPolicy()).isEqualTo("first_claim");
    assertThat(answers.get(2).claimPolicy()).isEqualTo("first_claim");

    MeshTask t0 = mesh.core.tasks().get(ids.get(0));
    assertThat(t0.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(t0.result()).isEqualTo(json("{\"n\":0}"));
    assertThat(t0.finishedAt()).isNotNull();
    Attempt a0 = mesh.core.tasks().attempts(ids.get(0)).getFirst();
    assertThat(a0.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
    assertThat(a0.logTail()).isEqualTo("log 0");
    assertThat(a0.exitCode()).isZero();
    assertThat(mesh.core.tasks().get(ids.get(1)).result()).isEqualTo(json("[1]"));
    assertThat(mesh.core.tasks().get(ids.get(4)).result().isNull()).isTrue();
    assertThat(mesh.core.tasks().attempts(ids.get(4)).getFirst().result()).isNull();
    // the failure went the one-by-one way: retried at once (no backoff here)
    assertThat(mesh.core.tasks().get(ids.get(2)).status()).isEqualTo(TaskStatus.READY);
    assertThat(mesh.core.tasks().attempts(ids.get(2)).getFirst().error()).isEqualTo("boom");
    // the refused ones changed nothing
    assertThat(mesh.core.tasks().get(ids.get(3)).status()).isEqualTo(TaskStatus.CLAIMED);
    assertThat(mesh.core.tasks().attempts(ids.get(3)).getFirst().live()).isTrue();
    assertThat(mesh.core.tasks().get(theirs).status()).isEqualTo(TaskStatus.CLAIMED);
    // one event per accepted success, saying where the task came from
    assertThat(events(ids.get(0), "task.succeeded")).isEqualTo(1);
    assertThat(events(ids.get(3), "task.succeeded")).isZero();
    assertThat(previousOfSucceeded(ids.get(0))).isEqualTo("claimed");
    assertThat(previousOfSucceeded(ids.get(1))).isEqualTo("running");

    // the same reports again: every one is stale now, and nothing changes twice
    List<Reported> again = mesh.core.batchReports().reportAll(me.id(), List.of(
        Report.completed(ids.get(0), c0.claimToken(), new Completion(json("{\"n\":9}"), 0, null))));
    assertThat(again.getFirst().refusal()).isInstanceOf(StaleClaimException.class)
        .hasMessageContaining("already ended succeeded");
    assertThat(mesh.core.tasks().get(ids.get(0)).result()).isEqualTo(json("{\"n\":0}"));
    assertThat(events(ids.get(0), "task.succeeded")).isEqualTo(1);
  }

  @Test
  void aBatchedSuccessReleasesDependentsAndBroadcastTargetsStillSettle() {
    Mission mission = mesh.mission();
    Agent me = mesh.agent(List.of("solo-" + UUID.randomUUID()), List.of());
    UUID first = submit(mission, NewTask.builder("first").pool(me.pools().getFirst()).build());
    UUID then = submit(mission, NewTask.builder("then").pool(me.pools().getFirst()).dependsOn(List.of(first)).build());
    UUID everyone = submit(mission,
        NewTask.builder("everyone").pool(me.pools().getFirst()).claimPolicy(ClaimPolicy.BROADCAST).build());
    List<Claim> claims = mesh.core.claims().claimTasks(me.id(), List.of(first, everyone));
    assertThat(claims).hasSize(2);
    assertThat(mesh.core.tasks().get(then).status()).isEqualTo(TaskStatus.PENDING);

    List<Reported> answers = mesh.core.batchReports().reportAll(me.id(), List.of(
        Report.completed(first, byTask(claims, first).claimToken(), new Completion(json("1"), 0, null)),
        Report.completed(everyone, byTask(claims, everyone).claimToken(), new Completion(json("2"), 0, null))));

    assertThat(answers).allSatisfy(a -> assertThat(a.accepted()).isTrue());
    assertThat(answers.get(1).claimPolicy()).isEqualTo("broadcast");
    assertThat(mesh.core.tasks().get(then).status()).isEqualTo(TaskStatus.READY);
    MeshTask broadcast = mesh.core.tasks().get(everyone);
    assertThat(broadcast.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(broadcast.result().get(me.id().toString())).isEqualTo(json("2"));
  }

  @Test
  void invalidInputRefusesTheWholeBatchBeforeAnythingIsWritten() {
    Mission mission = mesh.mission();
    Agent me = mesh.agent();
    UUID id = submit(mission, NewTask.of("one", ""));
    Claim claim = mesh.core.claims().claimTask(me.id(), id).orElseThrow();
    Report ok = Report.completed(id, claim.claimToken(), new Completion(null, 0, null));

    assertThatThrownBy(() -> mesh.core.batchReports().reportAll(me.id(), List.of(ok, ok)))
        .isInstanceOf(ValidationException.class).hasMessageContaining("reports[1].task_id");
    assertThatThrownBy(() -> mesh.core.batchReports().reportAll(me.id(), List.of(ok,
        Report.completed(UUID.randomUUID(), "t", new Completion(json("{\"k\":\"a\\u0000b\"}"), 0, null)))))
        .isInstanceOf(ValidationException.class).hasMessageContaining("reports[1].result");
    assertThatThrownBy(() -> mesh.core.batchReports().reportAll(me.id(), List.of()))
        .isInstanceOf(ValidationException.class).hasMessageContaining("reports");

    assertThat(mesh.core.tasks().get(id).status()).isEqualTo(TaskStatus.CLAIMED);
    assertThat(mesh.core.tasks().attempts(id).getFirst().live()).isTrue();
  }

  private String previousOfSucceeded(UUID taskId) {
    return mesh.core.db().jdbc()
        .sql("SELECT payload->>'previous_status' FROM outbox WHERE message_key = :k AND payload->>'type' = 'task.succeeded'")
        .param("k", taskId.toString()).query(String.class).single();
  }

  private static Claim byTask(List<Claim> claims, UUID taskId) {
    return claims.stream().filter(c -> c.task().id().equals(taskId)).findFirst().orElseThrow();
  }
}
