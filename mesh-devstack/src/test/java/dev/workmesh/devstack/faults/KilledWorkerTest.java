package dev.workmesh.devstack.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshApiException;
import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.AgentView;
import dev.workmesh.client.model.CompleteRequest;
import dev.workmesh.client.model.FailRequest;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.worker.TaskWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code kill -9} of a task-worker in the middle of its tasks. The worker is a real child JVM (the
 * application as operators run it), killed with SIGKILL: no release, no report, no shutdown hook. The real
 * watchdog rescues its claims once their 3s leases lapse, the scheduler promotes the retries, another worker
 * finishes every task, and a late report made with the dead worker's own credentials and claim token is
 * refused with 409 and changes nothing.
 */
@ExtendWith(FaultSummaryExtension.class)
class KilledWorkerTest {

  static final int TASKS = 3;

  @TempDir Path dir;
  FaultStack stack;
  Process child;
  final List<ProcessHandle> orphans = new ArrayList<>();

  @AfterEach
  void stop() {
    if (child != null) {
      child.destroyForcibly();
    }
    orphans.forEach(ProcessHandle::destroyForcibly);
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aWorkerKilledMidTaskIsRescuedAnotherWorkerFinishesAndTheDeadWorkersLateReportIsRejected() throws Exception {
    FaultLedger.Scenario scenario = FaultLedger.global().scenario("kill -9 of a worker mid-task");
    stack = FaultStack.start(dir, scenario);
    FaultStack.Service api = stack.startControlPlane();
    MeshClient mesh = FaultStack.operator(api.url());
    MeshDatabase db = stack.database();
    Path tokens = Files.createDirectories(dir.resolve("claim-tokens"));

    Path doomedData = dir.resolve("doomed");
    child = stack.startChildWorker(api.url(), "doomed", "crash", TASKS, doomedData, dir.resolve("doomed.log"));
    await("the child worker enrols").atMost(Duration.ofSeconds(120))
        .until(() -> Files.exists(doomedData.resolve("identity.json")) || !child.isAlive());
    assertThat(child.isAlive()).as("the child worker runs; its log: %s", dir.resolve("doomed.log")).isTrue();
    JsonNode identity = MeshClient.JSON.readTree(Files.readString(doomedData.resolve("identity.json")));
    UUID doomedAgent = UUID.fromString(identity.get("agent_id").asString());
    String doomedToken = identity.get("agent_token").asString();

    // Each attempt records its claim token (what a late report of the dead worker would carry); the first
    // attempt of a task then works for a long time, a later one finishes at once.
    MissionView mission = mesh.createMission("kill-9", "tasks whose worker is killed");
    List<UUID> taskIds = new ArrayList<>();
    for (int i = 0; i < TASKS; i++) {
      String command = "echo \"$MESH_CLAIM_TOKEN\" > " + tokens + "/$MESH_ATTEMPT_ID; "
          + "if [ \"$(ls " + tokens + " | wc -l)\" -gt " + TASKS + " ]; then echo \"done by $MESH_ATTEMPT_ID\"; else sleep 120; fi";
      TaskView task = mesh.submit(mission.id(), new TaskRequest("long job " + i, "", null, null, "crash", null, null,
          "bash", MeshClient.JSON.readTree("{\"command\": " + MeshClient.JSON.writeValueAsString(command) + "}"), null,
          "10m", null, null, null, "job-" + i)).task();
      taskIds.add(task.id());
    }
    await("the child worker runs every task").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .until(() -> taskIds.stream().allMatch(id -> running(mesh.task(id))) && countFiles(tokens) == TASKS);
    orphans.addAll(child.descendants().toList());

    TaskWorker survivor = stack.startWorker(api.url(), "survivor", "crash", 4);

    child.destroyForcibly(); // SIGKILL
    long killedAt = System.nanoTime();
    assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).isEqualTo(137);
    scenario.faultInjected("task-worker child JVM killed with SIGKILL");

    // The watchdog rescues every claim once its lease lapsed; the survivor finishes every task.
    await("every task ends").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
        .until(() -> db.openTasks(mission.id()) == 0);
    scenario.figure("from SIGKILL to every task done", Duration.ofNanos(System.nanoTime() - killedAt).toMillis() + " ms");

    for (UUID id : taskIds) {
      TaskView done = mesh.task(id);
      assertThat(done.status()).isEqualTo("succeeded");
      assertThat(done.attempts()).hasSize(2);
      assertThat(done.attempts().get(0).agentId()).isEqualTo(doomedAgent);
      assertThat(done.attempts().get(0).outcome()).isEqualTo("lost");
      assertThat(done.attempts().get(1).agentId()).isEqualTo(survivor.identity().orElseThrow().agentId());
      assertThat(done.attempts().get(1).outcome()).isEqualTo("succeeded");
      assertThat(done.result().asString()).isEqualTo("done by " + done.attempts().get(1).id() + "\n");
    }

    // The watchdog has finished with the dead agent (no more events for it) before the state is compared.
    await("the dead worker's agent is disconnected").atMost(Duration.ofSeconds(60))
        .until(() -> mesh.agents().stream().anyMatch(a -> a.id().equals(doomedAgent) && a.status().equals("disconnected")));

    // The dead worker's late reports, with its own agent token and its own claim tokens: refused, no change.
    MeshClient dead = new MeshClient(api.url(), doomedToken, Duration.ofSeconds(20));
    String before = db.stateDigest();
    int rejected = 0;
    for (UUID id : taskIds) {
      TaskView done = mesh.task(id);
      String oldToken = Files.readString(tokens.resolve(done.attempts().get(0).id().toString())).strip();
      assertThat(oldToken).startsWith("wm_claim_");
      rejected += conflict(() -> dead.complete(id, new CompleteRequest(oldToken, MeshClient.JSON.readTree("\"late\""), 0,
          "late report")));
      rejected += conflict(() -> dead.fail(id, new FailRequest(oldToken, "late failure", "failed", true, 1, null)));
      rejected += conflict(() -> dead.heartbeat(id, oldToken));
      rejected += conflict(() -> dead.release(id, oldToken));
    }
    assertThat(rejected).isEqualTo(4 * TASKS);
    assertThat(db.stateDigest()).as("late reports changed nothing").isEqualTo(before);

    AgentView doomed = mesh.agents().stream().filter(a -> a.id().equals(doomedAgent)).findFirst().orElseThrow();
    scenario.figure("dead worker's agent status", doomed.status());
    scenario.figure("late reports rejected with 409", rejected);
    scenario.figure("rescues (watchdog, outcome=lapsed|agent_gone)",
        db.count("SELECT count(*) FROM attempt WHERE outcome = 'lost'"));
    MeshDatabase.Verdict verdict = db.exactlyOnce(mission.id(),
        java.util.stream.IntStream.range(0, TASKS).mapToObj(i -> "job-" + i).toList());
    scenario.verdict(verdict.tasks(), verdict.lost(), verdict.duplicated());
    assertThat(verdict.lost()).isZero();
    assertThat(verdict.duplicated()).as("no task ended twice").isZero();
    assertThat(verdict.succeededOnce()).isEqualTo(TASKS);
  }

  /** Runs {@code call} and returns 1 if mesh-api answered 409, failing the test on any other answer. */
  static int conflict(Runnable call) {
    MeshApiException e = catchThrowableOfType(MeshApiException.class, call::run);
    assertThat(e).as("a late report must be refused").isNotNull();
    assertThat(e.status()).as("%s", e.getMessage()).isEqualTo(409);
    return 1;
  }

  static boolean running(TaskView t) {
    return t.status().equals("running") && !t.attempts().isEmpty() && t.attempts().getLast().startedAt() != null;
  }

  static long countFiles(Path dir) throws Exception {
    try (var files = Files.list(dir)) {
      return files.count();
    }
  }

}
