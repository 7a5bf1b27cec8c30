package dev.workmesh.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.AttemptView;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.MeshTestEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * Three workers in one JVM against the real mesh-api, PostgreSQL and Kafka, running real child
 * processes: competition for first_claim tasks, assigned and broadcast tasks, timeouts, cancellation,
 * secrets and prompts that reach the subagent intact.
 */
@MeshIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class WorkerFleetTest {

  static final String POOL = "fleet";
  final String secretValue = "s3cr3t-" + UUID.randomUUID();

  @TempDir static Path dir;
  MeshApiServer api;
  TestWorkers workers;
  List<TaskWorker> fleet = new ArrayList<>();
  MeshClient operator;

  @BeforeAll
  void startFleet() throws Exception {
    MeshTestEnv env = MeshTestEnv.forClass(WorkerFleetTest.class);
    api = MeshApiServer.start(env, Map.of());
    operator = api.operator();
    workers = new TestWorkers(env);
    Path secretFile = dir.resolve("api-key");
    Files.writeString(secretFile, secretValue + "\n");
    Path fakeClaude = dir.resolve("claude");
    // Records how it was called: the argument count, then the prompt (its stdin) as hex bytes.
    Files.writeString(fakeClaude, "#!/bin/sh\nprintf '%s:' \"$#\" > \"$MESH_RESULT_FILE\"\n"
        + "od -An -v -tx1 | tr -d ' \\n' >> \"$MESH_RESULT_FILE\"\n");
    Files.setPosixFilePermissions(fakeClaude, PosixFilePermissions.fromString("rwx------"));
    for (int i = 1; i <= 3; i++) {
      Map<String, Object> keys = workers.settings(api.url(), "fleet-" + i, POOL, dir.resolve("w" + i));
      keys.put("secrets[API_KEY]", "file:" + secretFile);
      keys.put("binaries[claude_code]", fakeClaude.toString());
      keys.putAll(ArchivedFakeRuntime.keys(0));
      // A runtime of its own that runs input.argv: the mesh checks argv only for the exec runtime at
      // submission, so a task for this one reaches the worker, which checks it before starting anything.
      keys.put("extra-runtimes[1].name", "argv_runner");
      keys.put("extra-runtimes[1].args[0]", "{argv}");
      fleet.add(workers.start(keys));
    }
  }

  @AfterAll
  void stopFleet() {
    if (workers != null) {
      workers.close();
    }
    if (api != null) {
      api.close();
    }
  }

  MissionView mission() {
    return operator.createMission("m-" + UUID.randomUUID(), "fleet test");
  }

  static TaskRequest task(String title, String runtime, String inputJson) {
    return new TaskRequest(title, "", null, null, POOL, null, null, runtime,
        inputJson == null ? null : MeshClient.JSON.readTree(inputJson), null, null, null, null, null, null);
  }

  static TaskRequest withTimeout(TaskRequest t, String timeout, int maxAttempts) {
    return new TaskRequest(t.title(), t.description(), t.claimPolicy(), t.assignedAgent(), t.pool(),
        t.requiredCapabilities(), t.priority(), t.runtime(), t.input(), maxAttempts, timeout, null, null, null, null);
  }

  TaskView awaitStatus(UUID taskId, String... statuses) {
    return await().atMost(TestWorkers.patience()).pollInterval(Duration.ofMillis(200))
        .until(() -> operator.task(taskId), t -> Set.of(statuses).contains(t.status()));
  }

  UUID agentOf(TaskWorker worker) {
    return worker.identity().orElseThrow().agentId();
  }

  /** Tasks of the shared run: each one a fake agent's JVM, so this many decides most of the class's time. */
  static final int SHARED_TASKS = 150;

  @Test
  void threeWorkersRunAHundredAndFiftyTasksEachExactlyOnceAndShareTheWork() {
    MissionView mission = mission();
    List<TaskRequest> batch = IntStream.range(0, SHARED_TASKS)
        .mapToObj(i -> task("t" + i, "fake", "{\"fake\": {\"output\": \"ok-" + i + "\"}}"))
        .toList();
    List<TaskView> submitted = new ArrayList<>();
    for (int from = 0; from < batch.size(); from += 50) {
      submitted.addAll(operator.submitAll(mission.id(), batch.subList(from, Math.min(batch.size(), from + 50))));
    }

    await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(operator.mission(mission.id()).taskCounts()).containsEntry("succeeded", (long) SHARED_TASKS));

    Map<UUID, Long> perAgent = new TreeMap<>();
    for (TaskView t : submitted) {
      TaskView done = operator.task(t.id());
      assertThat(done.status()).isEqualTo("succeeded");
      assertThat(done.attempts()).as("attempts of %s", t.title()).singleElement()
          .satisfies(a -> assertThat(a.outcome()).isEqualTo("succeeded"));
      assertThat(done.result().asString()).isEqualTo("ok-" + t.title().substring(1));
      perAgent.merge(done.attempts().getFirst().agentId(), 1L, Long::sum);
    }
    Map<String, Long> byWorker = fleet.stream().collect(Collectors.toMap(
        w -> w.properties().nodeName(), w -> perAgent.getOrDefault(agentOf(w), 0L), Long::sum, TreeMap::new));
    System.out.println("Distribution of " + SHARED_TASKS + " tasks: " + byWorker);
    // Each worker ran at least a tenth of them (a third each when the work is shared evenly).
    assertThat(byWorker.values()).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(SHARED_TASKS / 10L));
    assertThat(byWorker.values().stream().mapToLong(Long::longValue).sum()).isEqualTo((long) SHARED_TASKS);
  }

  @Test
  void anAssignedTaskRunsOnlyOnItsAgent() {
    MissionView mission = mission();
    TaskWorker chosen = fleet.get(1);
    List<TaskView> tasks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      tasks.add(operator.submit(mission.id(), task("assigned-" + i, "fake", "{\"fake\": {\"output\": \"mine\"}}")
          .withPolicy("assigned", agentOf(chosen))).task());
    }
    for (TaskView t : tasks) {
      TaskView done = awaitStatus(t.id(), "succeeded", "failed");
      assertThat(done.status()).isEqualTo("succeeded");
      assertThat(done.attempts()).singleElement().satisfies(a -> assertThat(a.agentId()).isEqualTo(agentOf(chosen)));
    }
  }

  @Test
  void aBroadcastTaskRunsOnceOnEveryConnectedWorker() {
    MissionView mission = mission();
    TaskView task = operator.submit(mission.id(), task("everyone", "bash", "{\"command\": \"echo hello from $MESH_ATTEMPT_ID\"}")
        .withPolicy("broadcast", null)).task();

    TaskView done = awaitStatus(task.id(), "succeeded", "failed");

    assertThat(done.status()).isEqualTo("succeeded");
    assertThat(done.attempts()).hasSize(3).allSatisfy(a -> assertThat(a.outcome()).isEqualTo("succeeded"));
    assertThat(done.attempts().stream().map(AttemptView::agentId).toList())
        .containsExactlyInAnyOrderElementsOf(fleet.stream().map(this::agentOf).toList());
    for (TaskWorker w : fleet) {
      JsonNode perAgent = done.result().get(agentOf(w).toString());
      assertThat(perAgent).as("result of %s in %s", agentOf(w), done.result()).isNotNull();
    }
  }

  @Test
  void aTimeoutKillsASubagentThatIgnoresSigterm() {
    MissionView mission = mission();
    TaskView task = operator.submit(mission.id(), withTimeout(task("stubborn", "fake",
        "{\"fake\": {\"ignore_sigterm\": true, \"output\": \"started\\n\", \"sleep_ms\": 60000}}"), "3s", 1)).task();

    TaskView done = awaitStatus(task.id(), "failed", "succeeded");

    assertThat(done.status()).isEqualTo("failed");
    assertThat(done.attempts()).singleElement().satisfies(a -> {
      assertThat(a.outcome()).isEqualTo("timed_out");
      assertThat(a.exitCode()).isEqualTo(137);
      assertThat(a.logTail()).contains("started");
      assertThat(a.error()).contains("timeout").contains("SIGKILL");
    });
  }

  @Test
  void cancellingARunningTaskStopsItsSubagent() {
    MissionView mission = mission();
    TaskView task = operator.submit(mission.id(), task("long", "bash", "{\"command\": \"echo started; sleep 60; echo unreachable\"}")).task();
    await().atMost(TestWorkers.patience()).until(() -> {
      TaskView t = operator.task(task.id());
      return t.status().equals("running") && !t.attempts().isEmpty() && t.attempts().getFirst().startedAt() != null;
    });

    operator.cancel(task.id());
    TaskView done = awaitStatus(task.id(), "cancelled", "failed", "succeeded");

    assertThat(done.status()).isEqualTo("cancelled");
    assertThat(done.attempts()).singleElement().satisfies(a -> {
      assertThat(a.outcome()).isEqualTo("cancelled");
      assertThat(a.logTail()).contains("started").doesNotContain("unreachable");
    });
  }

  @Test
  void aSecretReachesTheSubagentAndAppearsInNoFileOrLog(CapturedOutput output) throws Exception {
    MissionView mission = mission();
    TaskView task = operator.submit(mission.id(), task("secretive", "fake",
        "{\"fake\": {\"secret\": \"API_KEY\", \"output\": \"done\\n\"}}")).task();

    TaskView done = awaitStatus(task.id(), "succeeded", "failed");

    String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secretValue.getBytes(StandardCharsets.UTF_8)));
    assertThat(done.status()).as(String.valueOf(done.attempts())).isEqualTo("succeeded");
    assertThat(done.result().asString()).contains("secret API_KEY sha256=" + digest).doesNotContain(secretValue);
    assertThat(done.attempts().getFirst().logTail()).doesNotContain(secretValue);
    byte[] needle = secretValue.getBytes(StandardCharsets.UTF_8);
    for (int i = 1; i <= 3; i++) {
      try (var files = Files.walk(dir.resolve("w" + i))) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
              .as("secret bytes in %s", file).doesNotContain(new String(needle, StandardCharsets.ISO_8859_1));
        }
      }
    }
    assertThat(output.getAll()).contains("Served secret 'API_KEY'").doesNotContain(secretValue);
  }

  @Test
  void aPromptFullOfShellMetacharactersReachesTheCliByteForByte() {
    String prompt = "-rf --dangerously-skip-permissions $(rm -rf /) `touch /tmp/pwned-e2e` 'single' \"double\" ;|&><*? ${HOME} \\ \n"
        + "second line\twith a tab, ünïcødé, 日本語 and 🚀 %s %n";
    MissionView mission = mission();
    TaskView task = operator.submit(mission.id(), new TaskRequest("prompted", prompt, null, null, POOL, null, null,
        "claude_code", null, null, null, null, null, null, null)).task();

    TaskView done = awaitStatus(task.id(), "succeeded", "failed");

    assertThat(done.status()).as(String.valueOf(done.attempts())).isEqualTo("succeeded");
    assertThat(done.result().asString()).isEqualTo("7:" + HexFormat.of().formatHex(prompt.getBytes(StandardCharsets.UTF_8)));
    assertThat(Path.of("/tmp/pwned-e2e")).doesNotExist();
  }

  @Test
  void aTaskThatCannotStartFailsAtOnceWithoutRetries() {
    MissionView mission = mission();
    TaskView task = operator.submit(mission.id(), task("no argv", "argv_runner", "{\"argv\": []}")).task();

    TaskView done = awaitStatus(task.id(), "failed", "succeeded");

    assertThat(done.maxAttempts()).isEqualTo(3);
    assertThat(done.attempts()).singleElement().satisfies(a -> {
      assertThat(a.outcome()).isEqualTo("failed");
      assertThat(a.error()).contains("needs input.argv");
    });
  }

  @Test
  void aTaskForARuntimeNoWorkerOffersIsNeverClaimed() {
    MissionView mission = mission();
    TaskView gemini = operator.submit(mission.id(), task("needs gemini", "gemini", null)).task();
    TaskView bash = operator.submit(mission.id(), task("plain bash", "bash", "{\"command\": \"echo ok\"}")).task();

    // The workers took the later task, so they looked at the queue; the mesh offered them nothing they lack.
    assertThat(awaitStatus(bash.id(), "succeeded", "failed").status()).isEqualTo("succeeded");
    TaskView untouched = operator.task(gemini.id());
    assertThat(untouched.status()).isEqualTo("ready");
    assertThat(untouched.attempts()).isEmpty();
    assertThat(operator.cancel(gemini.id()).status()).isEqualTo("cancelled");
  }
}
