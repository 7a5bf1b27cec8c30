package dev.workmesh.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.model.AgentView;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskLog;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.MeshTestEnv;
import dev.workmesh.worker.identity.AgentIdentity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The worker as operators run it: the Spring Boot application (in-process, and as a real child JVM
 * killed with SIGKILL), configured through {@code task-worker.*} and {@code spring.kafka.*}.
 */
@MeshIntegrationTest
class TaskWorkerApplicationTest {

  static final MeshTestEnv ENV = MeshTestEnv.forClass(TaskWorkerApplicationTest.class);
  static MeshApiServer api;

  @TempDir Path dir;

  @BeforeAll
  static void startApi() {
    api = MeshApiServer.start(ENV, Map.of("mesh-api.lease", "4s"));
  }

  @AfterAll
  static void stopApi() {
    api.close();
  }

  /** Command-line arguments of a worker application; {@code enrol} adds the operator token. */
  List<String> args(String name, String pool, Path dataDir, boolean enrol) {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("server.port", "0");
    keys.put("spring.kafka.bootstrap-servers", ENV.kafka().bootstrapServers());
    keys.put("workmesh.kafka.topic-prefix", ENV.kafka().topicPrefix());
    keys.put("task-worker.api-url", api.url());
    keys.put("task-worker.node-name", name);
    keys.put("task-worker.pools", pool);
    keys.put("task-worker.data-dir", dataDir.toString());
    keys.put("task-worker.attempt-heartbeat-interval", "1s");
    keys.put("task-worker.idle-pull-interval", "1s");
    keys.put("task-worker.shutdown-grace", "2s");
    if (enrol) {
      keys.put("task-worker.enrolment-token", MeshApiServer.OPERATOR_TOKEN);
    }
    List<String> args = new ArrayList<>();
    keys.forEach((k, v) -> args.add("--" + k + "=" + v));
    return args;
  }

  static ConfigurableApplicationContext run(List<String> args) {
    return TaskWorkerApplication.builder().run(args.toArray(String[]::new));
  }

  static AgentIdentity started(ConfigurableApplicationContext app) throws Exception {
    return app.getBean(TaskWorker.class).start().get(60, TimeUnit.SECONDS);
  }

  MissionView mission() {
    return api.operator().createMission("m-" + UUID.randomUUID(), "application test");
  }

  TaskView submit(String pool, String command) {
    return api.operator().submit(mission().id(), TestWorkers.bashTask("run", pool, command)).task();
  }

  TaskView awaitTask(UUID id, java.util.function.Predicate<TaskView> condition) {
    return await().atMost(TestWorkers.patience()).pollInterval(Duration.ofMillis(200))
        .until(() -> api.operator().task(id), condition);
  }

  static String get(String url) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(url).isEqualTo(200);
      return response.body();
    }
  }

  @Test
  void aRunningAttemptsOutputReachesTheMeshWithItsHeartbeatsWhileItRuns() throws Exception {
    String pool = "live-log";
    Path go = dir.resolve("go");
    try (ConfigurableApplicationContext app = run(args("log-worker", pool, dir.resolve("data"), true))) {
      started(app);
      TaskView task = submit(pool, "echo first line; echo second line >&2; while [ ! -e '" + go + "' ]; do sleep 0.1;"
          + " done; echo last line");
      TaskLog live = await().atMost(TestWorkers.patience()).pollInterval(Duration.ofMillis(200))
          .until(() -> api.operator().taskLog(task.id()),
              l -> l.running() && l.logTail() != null && l.logTail().contains("second line"));
      assertThat(live.logTail()).contains("first line").doesNotContain("last line");
      assertThat(live.taskStatus()).isEqualTo("running");

      Files.createFile(go);
      assertThat(awaitTask(task.id(), t -> Set.of("succeeded", "failed").contains(t.status())).status())
          .isEqualTo("succeeded");
      TaskLog after = api.operator().taskLog(task.id());
      assertThat(after.running()).isFalse();
      assertThat(after.logTail()).contains("first line", "second line", "last line");
    }
  }

  /**
   * A subagent that prints a secret the broker gave it, split over two writes of the pipe, and its claim
   * token: the live log, the final log and every file of the worker show the mask, never the value.
   */
  @Test
  void aSecretTheSubagentPrintsIsMaskedInItsLiveLogItsFinalLogAndOnDisk() throws Exception {
    String pool = "masked-log";
    String secret = "deploy-" + UUID.randomUUID();
    Path go = dir.resolve("go");
    Files.writeString(dir.resolve("deploy_key"), secret + "\n");
    Path getSecret = Files.writeString(dir.resolve("get-secret.pl"), """
        use IO::Socket::UNIX;
        my $s = IO::Socket::UNIX->new(Peer => $ENV{MESH_SECRETS_SOCKET}) or die "no broker: $!";
        print $s qq({"op":"get","session":"$ENV{MESH_SECRETS_SESSION}","name":"$ARGV[0]"}\n);
        my $answer = <$s>;
        $answer =~ /"value":"([^"]*)"/ or die $answer;
        print $1;
        """);
    List<String> args = args("mask-worker", pool, dir.resolve("data"), true);
    args.add("--task-worker.secrets[DEPLOY_KEY]=file:" + dir.resolve("deploy_key"));
    try (ConfigurableApplicationContext app = run(args)) {
      started(app);
      TaskView task = submit(pool, "V=$(perl '" + getSecret + "' DEPLOY_KEY) || exit 3; echo \"key: $V\";"
          + " printf 'split: %s' \"${V:0:10}\"; sleep 0.5; printf '%s end\\n' \"${V:10}\";"
          + " echo \"claim: $MESH_CLAIM_TOKEN\"; while [ ! -e '" + go + "' ]; do sleep 0.1; done; echo \"again: $V\" >&2");
      TaskLog live = await().atMost(TestWorkers.patience()).pollInterval(Duration.ofMillis(200))
          .until(() -> api.operator().taskLog(task.id()),
              l -> l.running() && l.logTail() != null && l.logTail().contains("claim: "));
      assertThat(live.logTail()).contains("key: [secret]\n", "split: [secret] end\n", "claim: [secret]\n")
          .doesNotContain(secret).doesNotContain(secret.substring(10));

      Files.createFile(go);
      assertThat(awaitTask(task.id(), t -> Set.of("succeeded", "failed").contains(t.status())).status())
          .isEqualTo("succeeded");
      assertThat(api.operator().taskLog(task.id()).logTail()).contains("again: [secret]").doesNotContain(secret);
      List<Path> files;
      try (var walk = Files.walk(dir.resolve("data"))) {
        files = walk.filter(Files::isRegularFile).toList();
      }
      assertThat(files).anyMatch(f -> f.getFileName().toString().equals("attempt.log"));
      for (Path file : files) {
        assertThat(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1)).as("%s", file)
            .doesNotContain(secret);
      }
    }
  }

  @Test
  void theApplicationEnrolsOnceKeepsItsIdentityServesMetricsAndStopsWhenRevoked() throws Exception {
    String pool = "app";
    Path data = dir.resolve("data");
    UUID agentId;
    try (ConfigurableApplicationContext app = run(args("app-worker", pool, data, true))) {
      agentId = started(app).agentId();
      Path identity = data.resolve("identity.json");
      assertThat(Files.getPosixFilePermissions(identity)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(Files.readString(identity)).contains(agentId.toString()).contains("\"agent_token\"");
      AgentView agent = api.operator().agents().stream().filter(a -> a.id().equals(agentId)).findFirst().orElseThrow();
      assertThat(agent.name()).isEqualTo("app-worker");
      assertThat(agent.pools()).containsExactly(pool);
      assertThat(agent.maxConcurrency()).isEqualTo(6); // 3 slots and room for 3 reports on their way
      assertThat(agent.runtimes()).contains("bash", "exec", "fake");

      TaskView task = submit(pool, "echo hello from the app");
      assertThat(awaitTask(task.id(), t -> Set.of("succeeded", "failed").contains(t.status())).status()).isEqualTo("succeeded");

      String base = "http://localhost:" + app.getEnvironment().getProperty("local.server.port");
      assertThat(get(base + "/actuator/health")).contains("\"status\":\"UP\"");
      assertThat(get(base + "/actuator/health/taskWorker")).contains("\"state\":\"claiming\"").contains(agentId.toString());
      // The slot is free once the report is delivered, just after the API shows the task succeeded.
      String metrics = await().atMost(TestWorkers.patience())
          .until(() -> get(base + "/actuator/prometheus"), m -> m.contains("workmesh_worker_slots_free 3.0"));
      assertThat(metrics)
          .contains("workmesh_worker_slots_busy 0.0")
          .contains("workmesh_worker_spawns_total{outcome=\"succeeded\",runtime=\"bash\"} 1.0")
          .contains("workmesh_worker_spawn_latency_seconds_count{runtime=\"bash\"} 1")
          .contains("workmesh_worker_attempt_duration_seconds_count{outcome=\"succeeded\",runtime=\"bash\"} 1")
          .contains("workmesh_worker_claims_total")
          .contains("workmesh_worker_reports_total{kind=\"complete\",result=\"delivered\"} 1.0")
          .contains("resilience4j_circuitbreaker_state");
    }

    // Restarted without the operator token: the same agent, from identity.json.
    int agentsBefore = api.operator().agents().size();
    try (ConfigurableApplicationContext app = run(args("app-worker", pool, data, false))) {
      assertThat(started(app).agentId()).isEqualTo(agentId);
      assertThat(api.operator().agents()).hasSize(agentsBefore);
    }

    // Revoked: the worker refuses to run and says what to do.
    api.operator().revoke(agentId);
    try (ConfigurableApplicationContext app = run(args("app-worker", pool, data, false))) {
      RuntimeException failure = app.getBean(TaskWorker.class).fatalFailure().get(60, TimeUnit.SECONDS);
      assertThat(failure.getMessage())
          .contains("refused agent " + agentId)
          .contains("revoked")
          .contains("delete " + data.resolve("identity.json"))
          .contains("task-worker.enrolment-token");
      String base = "http://localhost:" + app.getEnvironment().getProperty("local.server.port");
      try (HttpClient http = HttpClient.newHttpClient()) {
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).contains("\"status\":\"DOWN\"").contains("revoked");
      }
    }
  }

  @Test
  void aWorkerKilledMidTaskIsReplacedOnceItsLeaseLapsesAndComesBackAsTheSameAgent() throws Exception {
    String pool = "crash";
    Path data = dir.resolve("killed");
    Path log = dir.resolve("killed.log");
    List<String> command = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElseThrow(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), TaskWorkerApplication.class.getName()));
    command.addAll(args("doomed", pool, data, true));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    List<ProcessHandle> orphans = new ArrayList<>();
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(data.resolve("identity.json")) || !child.isAlive());
      assertThat(child.isAlive()).as("the child worker started; its log: %s", log).isTrue();
      TaskView task = submit(pool, "echo started; sleep 60");
      awaitTask(task.id(), t -> t.status().equals("running") && t.attempts().getFirst().startedAt() != null);
      orphans.addAll(child.descendants().toList());

      child.destroyForcibly(); // SIGKILL: no release, no report, no shutdown hook
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).isEqualTo(137);

      await().atMost(TestWorkers.patience()).pollInterval(Duration.ofMillis(250)).until(() -> {
        api.core().rescuer().runOnce(10); // the watchdog's rescue, once the 4s lease lapsed
        api.core().maintenance().promoteDue(10); // the scheduler's promotion after the retry backoff
        return api.operator().task(task.id()).status().equals("ready");
      });
      assertThat(api.operator().task(task.id()).attempts().getFirst().outcome()).isEqualTo("lost");

      // The same node restarted (its identity survived the crash) takes the task up again.
      try (TestWorkers workers = new TestWorkers(ENV)) {
        Map<String, Object> keys = workers.settings(api.url(), "doomed", pool, data);
        keys.remove("enrolment-token");
        keys.put("idle-pull-interval", "1s");
        TaskWorker restarted = workers.start(keys);
        AgentIdentity identity = restarted.identity().orElseThrow();
        assertThat(identity.agentId()).isEqualTo(api.operator().task(task.id()).attempts().getFirst().agentId());
        TaskView rerun = awaitTask(task.id(), t -> t.attempts().size() == 2 && started(t));
        assertThat(rerun.attempts().get(1).agentId()).isEqualTo(identity.agentId());
        api.operator().cancel(task.id());
        assertThat(awaitTask(task.id(), t -> t.status().equals("cancelled")).attempts().get(1).outcome()).isEqualTo("cancelled");
      }
    } finally {
      child.destroyForcibly();
      orphans.forEach(ProcessHandle::destroyForcibly);
    }
  }

  static boolean started(TaskView t) {
    return t.status().equals("running") && t.attempts().getLast().startedAt() != null;
  }
}
