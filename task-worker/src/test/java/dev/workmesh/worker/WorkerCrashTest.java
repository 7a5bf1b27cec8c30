package dev.workmesh.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.MeshTestEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No task runs twice at once when a worker dies: a real worker JVM is killed with SIGKILL while a
 * long bash subagent runs. Every copy of a task writes pid files (its shell and a background child);
 * a watcher checks them every few milliseconds and remembers the most copies of one task it ever saw
 * running at the same instant.
 */
@MeshIntegrationTest
class WorkerCrashTest {

  static final MeshTestEnv ENV = MeshTestEnv.forClass(WorkerCrashTest.class);
  static MeshApiServer api;

  @TempDir Path dir;
  Path markers;
  CopyWatcher copies;
  final List<Process> children = new ArrayList<>();
  final TestWorkers workers = new TestWorkers(ENV);

  @BeforeAll
  static void startApi() {
    api = MeshApiServer.start(ENV, Map.of("mesh-api.lease", "30s"));
  }

  @AfterAll
  static void stopApi() {
    api.close();
  }

  @BeforeEach
  void watch() throws IOException {
    markers = Files.createDirectories(dir.resolve("markers"));
    copies = new CopyWatcher(markers);
  }

  @AfterEach
  void cleanUp() {
    children.forEach(Process::destroyForcibly);
    workers.close();
    copies.close();
  }

  /** The command of every task here: records its shell and a background child, per task and attempt, then waits. */
  String command() {
    String prefix = markers + "/$MESH_TASK_ID.$MESH_ATTEMPT_ID";
    return "echo $$ > " + prefix + ".pid; sleep 300 & echo $! > " + prefix + ".child; echo started; wait";
  }

  /** A worker application in a JVM of its own, as an operator runs it. */
  Process workerJvm(String name, String pool, Path data) throws IOException {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("server.port", "0");
    keys.put("spring.kafka.bootstrap-servers", ENV.kafka().bootstrapServers());
    keys.put("workmesh.kafka.topic-prefix", ENV.kafka().topicPrefix());
    keys.put("task-worker.api-url", api.url());
    keys.put("task-worker.node-name", name);
    keys.put("task-worker.pools", pool);
    keys.put("task-worker.data-dir", data.toString());
    keys.put("task-worker.attempt-heartbeat-interval", "1s");
    keys.put("task-worker.agent-heartbeat-interval", "1s");
    keys.put("task-worker.idle-pull-interval", "1s");
    keys.put("task-worker.kill-grace", "1s");
    keys.put("task-worker.shutdown-grace", "2s");
    keys.put("task-worker.enrolment-token", MeshApiServer.OPERATOR_TOKEN);
    List<String> command = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElseThrow(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), TaskWorkerApplication.class.getName()));
    keys.forEach((k, v) -> command.add("--" + k + "=" + v));
    Path log = dir.resolve(name + ".log");
    Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    children.add(child);
    await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(data.resolve("identity.json")) || !child.isAlive());
    assertThat(child.isAlive()).as("worker %s started; its log: %s", name, log).isTrue();
    return child;
  }

  /** The same node restarted in-process, with the identity the crashed run left in its data directory. */
  TaskWorker restart(String name, String pool, Path data) {
    Map<String, Object> keys = workers.settings(api.url(), name, pool, data);
    keys.remove("enrolment-token");
    keys.put("idle-pull-interval", "1s");
    return workers.start(keys);
  }

  TaskView submit(String pool) {
    MissionView mission = api.operator().createMission("m-" + UUID.randomUUID(), "crash");
    return api.operator().submit(mission.id(), TestWorkers.bashTask("long", pool, command())).task();
  }

  TaskView awaitTask(UUID id, Predicate<TaskView> condition) {
    return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
      api.core().maintenance().promoteDue(10); // the scheduler's promotion of a retry whose backoff has passed
      return api.operator().task(id);
    }, condition);
  }

  /** The shell and background child of one attempt, once both wrote their pid files. */
  List<ProcessHandle> copyOf(UUID taskId, UUID attemptId) {
    return await().atMost(Duration.ofSeconds(60)).until(() -> CopyWatcher.pids(markers, taskId + "." + attemptId), p -> p.size() == 2)
        .stream().map(pid -> ProcessHandle.of(pid).orElseThrow()).toList();
  }

  /** Alive and not a zombie: an orphan that exited waits for init to reap it, and {@link ProcessHandle#isAlive()} counts it. */
  static boolean running(ProcessHandle process) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      return process.isAlive() && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  static ProcessHandle reaperOf(Process worker) {
    return worker.descendants()
        .filter(p -> p.info().arguments().map(args -> List.of(args).contains("workmesh-group-reaper")).orElse(false))
        .findFirst().orElseThrow();
  }

  @Test
  void aWorkerKilledWithSigkillTakesItsSubagentAlongAndItsRestartEndsTheClaimBeforeTheTaskRunsAgain() throws Exception {
    String pool = "crash-" + UUID.randomUUID().toString().substring(0, 8);
    Path data = dir.resolve("doomed");
    Process worker = workerJvm("doomed", pool, data);
    TaskView task = submit(pool);
    UUID firstAttempt = awaitTask(task.id(), t -> !t.attempts().isEmpty()).attempts().getFirst().id();
    List<ProcessHandle> copy = copyOf(task.id(), firstAttempt);

    worker.destroyForcibly();
    assertThat(worker.waitFor(10, TimeUnit.SECONDS)).isTrue();
    // The shell dies with the worker (parent-death signal), its background child with it (the reaper).
    await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
        .untilAsserted(() -> assertThat(copy).noneMatch(WorkerCrashTest::running));
    assertThat(api.operator().task(task.id()).status()).isIn("claimed", "running"); // nobody ended the claim

    // Restarted: the claim the crash left (still live, its lease is 30s) ends before anything is claimed.
    restart("doomed", pool, data);
    TaskView rerun = awaitTask(task.id(), t -> t.attempts().size() == 2 && t.attempts().get(1).startedAt() != null);
    assertThat(rerun.attempts().getFirst().outcome()).isEqualTo("failed");
    assertThat(rerun.attempts().getFirst().error()).contains("stopped unexpectedly");
    copyOf(task.id(), rerun.attempts().get(1).id());
    assertThat(copies.mostAtOnce(task.id())).isEqualTo(1);
    api.operator().cancel(task.id());
    awaitTask(task.id(), t -> t.status().equals("cancelled"));
  }

  @Test
  void aGroupLeftRunningByAKilledWorkerIsKilledOnRestartBeforeTheRetryStarts() throws Exception {
    String pool = "orphan-" + UUID.randomUUID().toString().substring(0, 8);
    Path data = dir.resolve("orphaning");
    Process worker = workerJvm("orphaning", pool, data);
    TaskView task = submit(pool);
    UUID firstAttempt = awaitTask(task.id(), t -> !t.attempts().isEmpty()).attempts().getFirst().id();
    List<ProcessHandle> copy = copyOf(task.id(), firstAttempt);

    // Without its reaper, the killed worker leaves the background child of its subagent running.
    ProcessHandle reaper = reaperOf(worker);
    reaper.destroyForcibly();
    await().atMost(Duration.ofSeconds(5)).until(() -> !running(reaper));
    worker.destroyForcibly();
    assertThat(worker.waitFor(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(3)).until(() -> !running(copy.get(0)));
    assertThat(running(copy.get(1))).as("the orphan left by the killed worker").isTrue();

    restart("orphaning", pool, data);
    assertThat(running(copy.get(1))).as("killed by reconciliation, before the worker claims").isFalse();
    TaskView rerun = awaitTask(task.id(), t -> t.attempts().size() == 2 && t.attempts().get(1).startedAt() != null);
    assertThat(rerun.attempts().getFirst().outcome()).isEqualTo("failed");
    copyOf(task.id(), rerun.attempts().get(1).id());
    assertThat(copies.mostAtOnce(task.id())).isEqualTo(1);
    api.operator().cancel(task.id());
    awaitTask(task.id(), t -> t.status().equals("cancelled"));
  }

  @Test
  void aRevokedWorkerStopsItsSubagentsAtOnceAndExits78() throws Exception {
    String pool = "revoked-" + UUID.randomUUID().toString().substring(0, 8);
    Process worker = workerJvm("revoked", pool, dir.resolve("revoked"));
    TaskView task = submit(pool);
    TaskView running = awaitTask(task.id(), t -> !t.attempts().isEmpty());
    List<ProcessHandle> copy = copyOf(task.id(), running.attempts().getFirst().id());

    api.operator().revoke(running.attempts().getFirst().agentId());

    // A heartbeat (agent or attempt, 1s each) sees the 401 first; the kill grace is 1s.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertThat(copy).noneMatch(WorkerCrashTest::running));
    assertThat(worker.waitFor(60, TimeUnit.SECONDS)).as("the revoked worker exits").isTrue();
    assertThat(worker.exitValue()).isEqualTo(TaskWorkerApplication.IDENTITY_REFUSED_EXIT_STATUS);
    // Nothing reported: the mesh requeues the claims of a revoked agent.
    assertThat(api.operator().task(task.id()).attempts().getFirst().outcome()).isNotEqualTo("succeeded").isNotEqualTo("cancelled");
  }

  /** Polls the pid files: per task, the most attempts seen with a live process at one instant. */
  static final class CopyWatcher implements AutoCloseable {
    private final Path markers;
    private final Map<UUID, Integer> most = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    CopyWatcher(Path markers) {
      this.markers = markers;
      this.thread = Thread.ofPlatform().daemon().name("copy-watcher").start(this::run);
    }

    private void run() {
      while (running) {
        Map<UUID, Set<String>> alive = new HashMap<>();
        try (var files = Files.list(markers)) {
          for (Path file : files.toList()) {
            String[] parts = file.getFileName().toString().split("\\.");
            if (parts.length == 3 && readPid(file).flatMap(ProcessHandle::of).filter(WorkerCrashTest::running).isPresent()) {
              alive.computeIfAbsent(UUID.fromString(parts[0]), t -> new HashSet<>()).add(parts[1]);
            }
          }
        } catch (IOException | RuntimeException e) {
          // a file being written; the next round reads it
        }
        alive.forEach((task, attempts) -> most.merge(task, attempts.size(), Math::max));
        java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
      }
    }

    int mostAtOnce(UUID taskId) {
      return most.getOrDefault(taskId, 0);
    }

    static List<Long> pids(Path markers, String copy) throws IOException {
      List<Long> pids = new ArrayList<>();
      for (String suffix : List.of(".pid", ".child")) {
        readPid(markers.resolve(copy + suffix)).ifPresent(pids::add);
      }
      return pids;
    }

    private static Optional<Long> readPid(Path file) {
      try {
        String text = Files.readString(file).strip();
        return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
      } catch (IOException | NumberFormatException e) {
        return Optional.empty();
      }
    }

    @Override
    public void close() {
      running = false;
    }
  }
}
