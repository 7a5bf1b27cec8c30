package dev.workmesh.devstack.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task fields never reach a shell. The agent CLIs (claude_code, codex, gemini, goose) are pointed, with
 * {@code task-worker.binaries[...]}, at a script that records the argv it was given, NUL-separated, and its
 * stdin. Tasks whose title, description and input are shell metacharacters run through them: the prompt
 * arrives byte for byte on stdin (claude_code, codex, gemini; none of it in argv) or as one argv element
 * (goose), and no command substitution, backtick, redirection or chained command in any field has a side
 * effect (the marker files they would create never exist).
 */
@ExtendWith(FaultSummaryExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskFieldsNeverReachAShellTest {

  Path dir;
  FaultStack stack;
  MeshClient mesh;
  MissionView mission;
  Path recorded;
  List<Path> markers;

  @BeforeAll
  void start(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    recorded = Files.createDirectories(dir.resolve("argv"));
    // Records its argv (each element NUL-terminated) and its stdin, and prints a JSON result; the worker runs it
    // directly.
    Path script = dir.resolve("record-argv.sh");
    Files.writeString(script, "#!/bin/sh\n"
        + "for a in \"$@\"; do printf '%s\\0' \"$a\"; done > '" + recorded + "'/\"$MESH_ATTEMPT_ID\"\n"
        + "cat > '" + recorded + "'/\"$MESH_ATTEMPT_ID.stdin\"\n"
        + "echo '{\"recorded\": true}'\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    stack = FaultStack.start(dir, FaultLedger.unlisted("shell: set-up"));
    FaultStack.Service api = stack.startApi("mesh-api", Map.of());
    Map<String, Object> settings = stack.workerSettings(api.url(), "cli-recorder", "cli", 4);
    settings.put("runtimes", "claude_code,codex,gemini,goose");
    for (String runtime : List.of("claude_code", "codex", "gemini", "goose")) {
      settings.put("binaries[" + runtime + "]", script.toString());
    }
    stack.startWorker(settings);
    mesh = FaultStack.operator(api.url());
    mission = mesh.createMission("no-shell", "hostile prompts for agent CLIs");
    markers = List.of(dir.resolve("m1"), dir.resolve("m2"), dir.resolve("m3"), dir.resolve("m4"), dir.resolve("m5"));
  }

  @AfterAll
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  /** Text full of everything a shell would act on, aimed at the marker files. */
  String hostile(String lead) {
    return lead + "$(touch " + markers.get(0) + ") `touch " + markers.get(1) + "`; touch " + markers.get(2)
        + " && touch " + markers.get(3) + " | tee " + markers.get(4) + " > /dev/null\n'\"\\ ${HOME} $((6*7)) *"
        + " \u202e\uD83D\uDE80";
  }

  TaskView run(String runtime, String title, String description) {
    TaskView task = mesh.submit(mission.id(), new TaskRequest(title, description, null, null, "cli", null, null, runtime,
        MeshClient.JSON.createObjectNode().put("command", hostile("")).put("argv", hostile("")), null, "1m", null, null,
        null, runtime + "-" + UUID.randomUUID())).task();
    return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> mesh.task(task.id()), t -> List.of("succeeded", "failed").contains(t.status()));
  }

  List<String> argvOf(TaskView task) throws Exception {
    byte[] bytes = Files.readAllBytes(recorded.resolve(task.attempts().getLast().id().toString()));
    String text = new String(bytes, StandardCharsets.UTF_8);
    List<String> argv = new ArrayList<>(Arrays.asList(text.split("\0", -1)));
    argv.removeLast(); // after the last terminator
    return argv;
  }

  String stdinOf(TaskView task) throws Exception {
    return Files.readString(recorded.resolve(task.attempts().getLast().id() + ".stdin"), StandardCharsets.UTF_8);
  }

  /** The runtimes that read the prompt from stdin. */
  static final List<String> PROMPT_ON_STDIN = List.of("claude_code", "codex", "gemini");

  @Test
  void hostileTaskFieldsReachAgentClisAsSingleArgumentsAndNoShellRunsThem() throws Exception {
    FaultLedger.Scenario scenario = FaultLedger.global().scenario("task fields never reach a shell (agent CLIs)");
    Map<String, List<String>> expected = new LinkedHashMap<>();
    Map<String, TaskView> runs = new LinkedHashMap<>();
    String description = hostile("");
    String dashed = hostile("--dangerously-skip-permissions ");
    // The prompt is the description; with a blank description it is the title.
    // Expected on stdin for the CLIs that read it there; the exact argv for goose.
    Map<String, String> onStdin = new LinkedHashMap<>();
    runs.put("claude_code", run("claude_code", hostile("title "), description));
    onStdin.put("claude_code", description);
    runs.put("claude_code (leading dashes)", run("claude_code", "t", dashed));
    onStdin.put("claude_code (leading dashes)", dashed);
    runs.put("claude_code (prompt from the title)", run("claude_code", hostile("title "), ""));
    onStdin.put("claude_code (prompt from the title)", hostile("title "));
    runs.put("codex", run("codex", "t", dashed));
    onStdin.put("codex", dashed);
    runs.put("gemini", run("gemini", "t", description));
    onStdin.put("gemini", description);
    runs.put("goose", run("goose", "t", description));
    expected.put("goose", List.of("run", "--text=" + description));

    for (Map.Entry<String, TaskView> run : runs.entrySet()) {
      TaskView task = run.getValue();
      scenario.faultInjected("hostile prompt, title and input for an agent CLI");
      assertThat(task.status()).as(run.getKey() + ": " + task.error()).isEqualTo("succeeded");
      if (onStdin.containsKey(run.getKey())) {
        assertThat(stdinOf(task)).as(run.getKey() + ": the prompt on stdin").isEqualTo(onStdin.get(run.getKey()));
        assertThat(argvOf(task)).as(run.getKey() + ": no part of any task field in argv")
            .noneMatch(a -> a.contains("touch ") || a.contains("title "));
      } else {
        assertThat(argvOf(task)).as(run.getKey()).containsExactlyElementsOf(expected.get(run.getKey()));
      }
    }
    List<Path> created = markers.stream().filter(Files::exists).toList();
    scenario.figure("runtimes checked", runs.keySet());
    scenario.figure("marker files created by any field", created.size());
    MeshDatabase.Verdict verdict = stack.database().exactlyOnce(mission.id(), null);
    scenario.verdict(verdict.tasks(), verdict.tasks() - verdict.succeededOnce(), verdict.duplicated());
    assertThat(created).as("no shell ran any task field").isEmpty();
  }

  /**
   * A prompt that starts with {@code -} is out of the CLIs' option parsers' reach: after {@code --}, or
   * attached to its option ({@code --prompt=<prompt>}). gemini and goose once took it as the value after
   * {@code -p} / {@code -t}, where yargs read {@code -p --yolo} as an empty prompt plus {@code --yolo},
   * which turns off gemini's approvals (D10).
   */
  @Test
  void aPromptThatStartsWithADashIsNeverWhereAnOptionParserReadsOptions() throws Exception {
    for (String runtime : List.of("claude_code", "codex", "gemini", "goose")) {
      String prompt = "--yolo " + hostile("");
      TaskView task = run(runtime, "t", prompt);
      List<String> argv = argvOf(task);
      if (PROMPT_ON_STDIN.contains(runtime)) {
        assertThat(stdinOf(task)).as(runtime).isEqualTo(prompt);
        assertThat(argv).as("%s argv %s: no option parser sees the prompt", runtime, argv)
            .noneMatch(a -> a.contains("--yolo"));
        continue;
      }
      int at = argv.indexOf(prompt);
      boolean attached = argv.stream().anyMatch(a -> a.endsWith("=" + prompt));
      assertThat(attached || (at > 0 && argv.subList(0, at).contains("--")))
          .as("%s argv %s: the prompt is read as an option", runtime, argv).isTrue();
    }
  }
}
