package dev.workmesh.devstack.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.devstack.DevCommand;
import dev.workmesh.devstack.DevStack;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command of {@code ./mesh}, run by the script itself on the slim class path it prepares from the jar this
 * build packaged (only the libraries that {@code train-cli} and {@code help} load from), against a dev stack:
 * each gives its exit code and says what it did, and none fails for a class that is not on that path. A
 * command whose code needs a library neither of those calls loads from fails here, not in a user's hands.
 * Runs after {@code package} (failsafe), since the script runs the exec jar.
 */
class EveryCommandOnTheSlimClassPathIT {

  private static final Duration CALL = Duration.ofSeconds(90);
  /** The first call after a build unpacks the jar, finds the slim class path and trains the start-up cache. */
  private static final Duration FIRST_CALL = Duration.ofMinutes(10);
  private static final String MISSION = "slim-path";
  private static final String ECHOED = "hello from the slim class path";
  private static final Pattern SUBMITTED = Pattern.compile("submitted: ([0-9a-f-]{36})  (pending|ready)\\n");

  @TempDir static Path dataDir;
  @TempDir static Path outputDir;

  private static DevStack stack;
  private static MeshScript mesh;
  private static MissionView mission;
  private static UUID succeeded;
  private static UUID failed;
  private static UUID unclaimable;

  @BeforeAll
  static void startAMeshAndPrepareTheScriptsClassPath() throws Exception {
    mesh = new MeshScript(MeshScript.ofThisRepository(), dataDir, outputDir);
    MeshScript.Running preparing = mesh.start("help"); // prepares mesh-devstack/target/cli while the mesh starts
    try {
      startAMeshWithTasks();
      assertThat(preparing.process().waitFor(FIRST_CALL.toSeconds(), TimeUnit.SECONDS)).as("the first call ended")
          .isTrue();
    } finally {
      preparing.process().destroyForcibly();
    }
    assertThat(preparing.process().exitValue()).as(preparing.out() + preparing.err()).isZero();
  }

  /** A dev stack, and a mission with a task that succeeded, one that failed and one that no agent can claim. */
  private static void startAMeshWithTasks() throws IOException {
    stack = new DevStack(DevCommand.parse(List.of("--data-dir", dataDir.toString(), "--api-port", "0",
        "--mcp-port", "0", "--worker-port", "0", "--scheduler-port", String.valueOf(freePort()),
        "--watchdog-port", "0", "--postgres-port", "0", "--kafka-port", String.valueOf(freePort()))))
        .start(DevStack.Progress.silent());
    MeshClient client = new MeshClient(stack.apiUrl(), stack.operatorTokenValue());
    mission = client.createMission(MISSION, "tasks for the slim class path");
    succeeded = client.submit(mission.id(), bash("echo", "echo " + ECHOED, 3)).task().id();
    failed = client.submit(mission.id(), bash("exit 3", "echo about to fail; exit 3", 1)).task().id();
    unclaimable = client.submit(mission.id(), TaskRequest.of("for nobody", "").withPool("nobody")).task().id();
    await().atMost(Duration.ofSeconds(120)).until(() -> client.task(succeeded).status().equals("succeeded")
        && client.task(failed).status().equals("failed"));
  }

  @AfterAll
  static void stopTheMesh() {
    if (stack != null) {
      stack.close();
    }
  }

  private static TaskRequest bash(String title, String command, int maxAttempts) {
    return new TaskRequest(title, "", null, null, null, null, null, "bash",
        MeshClient.JSON.createObjectNode().put("command", command), maxAttempts, null, null, null, null, null);
  }

  /** Runs one call and holds it to what every call owes: no class missing from the slim class path. */
  private static MeshScript.Call run(String... argv) {
    MeshScript.Call call = mesh.run(CALL, argv);
    assertThat(call.printed()).as(call.toString()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException",
        "NoSuchMethodError", "LinkageError");
    return call;
  }

  @Test
  void theCallsRunOnTheSlimClassPathThatTheScriptPrepared() throws IOException {
    Path cli = mesh.root().resolve("mesh-devstack/target/cli");
    List<String> slim = Files.readAllLines(cli.resolve("class-path.mf")).stream()
        .map(line -> line.replaceFirst("^(Class-Path:)? +", "")).filter(l -> !l.isBlank()).toList();
    Path jar;
    try (Stream<Path> files = Files.list(cli)) {
      jar = files.filter(f -> f.getFileName().toString().endsWith("-exec.jar")).findFirst().orElseThrow();
    }
    String classPath;
    try (JarFile unpacked = new JarFile(jar.toFile())) {
      classPath = unpacked.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
    }
    long libraries;
    try (Stream<Path> lib = Files.list(cli.resolve("lib"))) {
      libraries = lib.count();
    }

    assertThat(slim).as("the slim class path").isNotEmpty().allMatch(l -> l.startsWith("lib/") && l.endsWith(".jar"))
        .anyMatch(l -> l.contains("mesh-client")).hasSizeLessThan((int) libraries / 2);
    assertThat(Arrays.asList(classPath.trim().split(" +"))).as("the Class-Path the calls run with")
        .containsExactlyInAnyOrderElementsOf(slim);
  }

  @Test
  void helpListsEveryCommand() {
    MeshScript.Call help = run("help");

    assertThat(help.exitCode()).as(help.toString()).isZero();
    assertThat(help.out()).contains("missions", "mission", "submit", "tasks", "task", "logs", "retry", "cancel",
        "watch", "agents", "enrol", "schedules", "Exit code: 0 done");
  }

  @Test
  void missionsListsTheMissionAndMissionShowsItsTasksAndSpending() {
    MeshScript.Call missions = run("missions");
    MeshScript.Call shown = run("mission", MISSION);
    MeshScript.Call created = run("mission", "create", "slim-budget", "a budget", "--budget-tokens", "5000");

    assertThat(missions.exitCode()).as(missions.toString()).isZero();
    assertThat(missions.out()).contains(mission.id() + "  " + MISSION);
    assertThat(shown.exitCode()).as(shown.toString()).isZero();
    assertThat(shown.out()).startsWith(MISSION + "  " + mission.id()).contains("  tasks: ", "succeeded ", "spent: ");
    assertThat(created.exitCode()).as(created.toString()).isZero();
    assertThat(created.out()).startsWith("created mission slim-budget ").contains("5000");
  }

  @Test
  void tasksListsTheMissionsTasksAndTaskShowsOneWithItsAttemptAndOutput() {
    MeshScript.Call tasks = run("tasks", MISSION);
    MeshScript.Call task = run("task", succeeded.toString());

    assertThat(tasks.exitCode()).as(tasks.toString()).isZero();
    assertThat(tasks.out()).startsWith("ID ").contains(succeeded + "  succeeded", failed.toString(),
        unclaimable.toString());
    assertThat(task.exitCode()).as(task.toString()).isZero();
    assertThat(task.out()).startsWith("echo  [succeeded]  " + succeeded).contains("runtime bash", "attempt 1 ",
        "      | " + ECHOED);
  }

  @Test
  void logsPrintsTheOutputOfTheLatestAttemptAndFollowEndsWithTheTask() {
    MeshScript.Call logs = run("logs", succeeded.toString());
    MeshScript.Call followed = run("logs", "--follow", failed.toString());

    assertThat(logs.exitCode()).as(logs.toString()).isZero();
    assertThat(logs.out()).contains(ECHOED + "\n");
    assertThat(followed.exitCode()).as(followed.toString()).isZero();
    assertThat(followed.out()).contains("about to fail");
    assertThat(followed.err()).contains("--- attempt ", "--- task failed ---");
  }

  @Test
  void retryGivesAFailedTaskAnotherAttempt() {
    MeshScript.Call retry = run("retry", failed.toString());

    assertThat(retry.exitCode()).as(retry.toString()).isZero();
    assertThat(retry.out()).matches(failed + "  (pending|ready)\\n");
  }

  @Test
  void cancelEndsATaskThatNoAgentHolds() {
    MeshScript.Call cancel = run("cancel", unclaimable.toString());

    assertThat(cancel.exitCode()).as(cancel.toString()).isZero();
    assertThat(cancel.out()).isEqualTo(unclaimable + "  cancellation requested: the task is now cancelled\n");
  }

  @Test
  void enrolPrintsTheTokenOnceAndAgentsListsTheAgent() {
    MeshScript.Call enrol = run("enrol", "slim-agent", "--pool", "slim", "--runtime", "bash",
        "--max-concurrency", "2");
    MeshScript.Call agents = run("agents");

    assertThat(enrol.exitCode()).as(enrol.toString()).isZero();
    assertThat(enrol.out()).startsWith("enrolled agent slim-agent ").containsPattern("token \\(shown once\\): \\S+");
    assertThat(agents.exitCode()).as(agents.toString()).isZero();
    assertThat(agents.out()).startsWith("ID ").contains("dev-worker", "slim-agent");
  }

  @Test
  void schedulesListsTheJobsOfTheDevStack() {
    MeshScript.Call schedules = run("schedules");

    assertThat(schedules.exitCode()).as(schedules.toString()).isZero();
    assertThat(schedules.out()).startsWith("NAME ").containsPattern("every-minute-date +\\* \\* \\* \\* \\* +disabled");
  }

  @Test
  void watchPrintsTheEventsOfATaskThatSubmitSent() throws InterruptedException {
    MeshScript.Running watch = mesh.start("watch", MISSION);
    try {
      await().atMost(CALL).until(() -> watch.out().contains("watching mission " + MISSION)
          || !watch.process().isAlive());
      MeshScript.Call submit = run("submit", MISSION, "submitted by the script", "--runtime", "bash", "--command",
          "echo submitted", "--priority", "1", "--timeout", "1m");

      assertThat(submit.exitCode()).as(submit.toString()).isZero();
      Matcher submitted = SUBMITTED.matcher(submit.out());
      assertThat(submitted.find()).as(submit.toString()).isTrue();
      // The watch never ends by itself: bounded here by the task's events, then stopped.
      await().atMost(CALL).until(() -> watch.out().contains(submitted.group(1)) || !watch.process().isAlive());
      assertThat(watch.process().isAlive()).as("watch still streams\n" + watch.out() + watch.err()).isTrue();
      assertThat(watch.out()).contains(submitted.group(1));
    } finally {
      watch.process().destroy();
      watch.process().waitFor();
    }
    assertThat(watch.err()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException", "Exception");
  }

  @Test
  void aWrongOptionIsRefusedWithExitCodeTwo() {
    MeshScript.Call unknown = run("tasks", MISSION, "--colour", "red");
    MeshScript.Call mistyped = run("submit", MISSION, "t", "--priority", "high");

    assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(2);
    assertThat(unknown.err()).contains("--colour").doesNotContain("cannot reach");
    assertThat(mistyped.exitCode()).as(mistyped.toString()).isEqualTo(2);
    assertThat(mistyped.err()).isEqualTo("--priority expects a whole number, got \"high\"\n");
  }

  @Test
  void anUnknownCommandIsNamedWithExitCodeTwo() {
    MeshScript.Call unknown = run("frobnicate");

    assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(2);
    assertThat(unknown.err()).isEqualTo("unknown command 'frobnicate'; ./mesh help lists them\n");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
