package dev.workmesh.worker.subagent;

import static dev.workmesh.worker.subagent.TestAttempts.attempt;
import static dev.workmesh.worker.subagent.TestAttempts.prompted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubagentLauncherTest {

  @TempDir Path dataDir;
  @TempDir Path scratch;
  SubagentLauncher launcher;

  @AfterEach
  void closeLauncher() {
    if (launcher != null) {
      launcher.close();
    }
  }

  private SubagentOutcome run(SubagentSettings settings, AttemptSpec spec) throws InterruptedException {
    launcher = new SubagentLauncher(settings, RuntimeCatalog.from(settings));
    return launcher.launch(spec).outcome().orTimeout(30, TimeUnit.SECONDS).join();
  }

  private SubagentOutcome run(AttemptSpec spec) throws InterruptedException {
    return run(SubagentSettings.defaults(dataDir), spec);
  }

  @Test
  void bashRuntimeSucceedsWithStdoutAsResultAndBothStreamsInTheLog() throws Exception {
    AttemptSpec spec = attempt("bash", "{\"command\": \"echo hello; echo oops >&2\"}");

    SubagentOutcome outcome = run(spec);

    assertThat(outcome.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
    assertThat(outcome.exitCode()).isZero();
    assertThat(outcome.error()).isNull();
    assertThat(outcome.result()).isEqualTo("hello\n");
    assertThat(outcome.logTail()).contains("hello\n").contains("oops\n");
    Path attemptDir = dataDir.resolve("attempts").resolve(spec.attemptId().toString());
    assertThat(Files.readString(attemptDir.resolve("attempt.log"))).contains("hello\n").contains("oops\n");
    assertThat(Files.isDirectory(attemptDir.resolve("work"))).isTrue();
  }

  @Test
  void nonZeroExitIsFailedWithItsExitCode() throws Exception {
    SubagentOutcome outcome = run(attempt("bash", "{\"command\": \"echo partial; exit 7\"}"));

    assertThat(outcome.outcome()).isEqualTo(AttemptOutcome.FAILED);
    assertThat(outcome.exitCode()).isEqualTo(7);
    assertThat(outcome.result()).isEqualTo("partial\n");
    assertThat(outcome.error()).contains("status 7");
  }

  @Test
  void resultFileWinsOverStdout() throws Exception {
    SubagentOutcome outcome =
        run(attempt("bash", "{\"command\": \"echo noise; printf 'the answer' > \\\"$MESH_RESULT_FILE\\\"\"}"));

    assertThat(outcome.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
    assertThat(outcome.result()).isEqualTo("the answer");
  }

  @Test
  void stdoutBeyondTheCapIsCutWithANote() throws Exception {
    SubagentSettings settings = SubagentSettings.defaults(dataDir).withResultMaxBytes(10);

    SubagentOutcome outcome = run(settings, attempt("bash", "{\"command\": \"printf '0123456789abcdef'\"}"));

    assertThat(outcome.result()).startsWith("0123456789\n[workmesh: stdout truncated").contains("6 more bytes");
  }

  @Test
  void execRuntimeRunsInputArgvWithoutAShell() throws Exception {
    SubagentOutcome outcome = run(attempt("exec", "{\"argv\": [\"printf\", \"%s|%s\", \"a b\", \"$HOME;`id`\"]}"));

    assertThat(outcome.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
    assertThat(outcome.result()).isEqualTo("a b|$HOME;`id`");
  }

  @Test
  void subagentSeesTheMeshEnvironmentAndRunsInItsOwnDirectory() throws Exception {
    AttemptSpec spec = attempt("bash", "{\"command\": \"env | grep ^MESH_ | sort; pwd\"}");

    SubagentOutcome outcome = run(spec);

    Path attemptDir = dataDir.resolve("attempts").resolve(spec.attemptId().toString());
    assertThat(outcome.result())
        .contains("MESH_API_URL=http://127.0.0.1:1\n")
        .contains("MESH_TASK_ID=" + spec.taskId() + "\n")
        .contains("MESH_MISSION_ID=" + spec.missionId() + "\n")
        .contains("MESH_ATTEMPT_ID=" + spec.attemptId() + "\n")
        .contains("MESH_CLAIM_TOKEN=" + spec.claimToken() + "\n")
        .contains("MESH_RESULT_FILE=" + attemptDir.resolve("result") + "\n")
        .endsWith(attemptDir.resolve("work").toRealPath() + "\n");
    assertThat(Files.getPosixFilePermissions(attemptDir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void promptFullOfShellMetacharactersReachesTheCliByteForByte() throws Exception {
    Path fakeClaude = scratch.resolve("claude");
    // Records its arguments, each ended by NUL, then its stdin.
    Files.writeString(fakeClaude, "#!/bin/sh\nprintf '%s\\0' \"$@\" > \"$MESH_RESULT_FILE\"\ncat >> \"$MESH_RESULT_FILE\"\n");
    Files.setPosixFilePermissions(fakeClaude, PosixFilePermissions.fromString("rwx------"));
    String prompt =
        "-rf --dangerously-skip-permissions $(rm -rf /) `touch /tmp/pwned` 'single' \"double\" ;|&><*? ${HOME} \\ \n"
            + "second line\twith a tab, ünïcødé, 日本語 and 🚀 %s %n";
    SubagentSettings settings = SubagentSettings.defaults(dataDir).withBinary("claude_code", fakeClaude.toString());
    AttemptSpec spec = prompted("claude_code", prompt);

    SubagentOutcome outcome = run(settings, spec);

    assertThat(outcome.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (String arg : List.of("-p", "--output-format", "json", "--permission-mode", "acceptEdits", "--allowedTools",
        "Bash Edit Write NotebookEdit")) {
      expected.writeBytes(arg.getBytes(StandardCharsets.UTF_8));
      expected.write(0);
    }
    expected.writeBytes(prompt.getBytes(StandardCharsets.UTF_8));
    byte[] received = Files.readAllBytes(dataDir.resolve("attempts").resolve(spec.attemptId().toString()).resolve("result"));
    assertThat(received).isEqualTo(expected.toByteArray());
    assertThat(Path.of("/tmp/pwned")).doesNotExist();
  }

  @Test
  void titleIsThePromptWhenTheDescriptionIsEmpty() throws Exception {
    RuntimeDefinition echo = new RuntimeDefinition("echo_prompt", "printf", List.of("%s|%s", "{prompt}", "{task_id}"));
    SubagentSettings settings = SubagentSettings.defaults(dataDir).withRuntime(echo);
    AttemptSpec spec = attempt("echo_prompt", null);

    SubagentOutcome outcome = run(settings, spec);

    assertThat(outcome.result()).isEqualTo("a test task|" + spec.taskId());
  }

  @Test
  void fakeAgentPrintsOutputWritesItsResultFileAndExitsWithItsCode() throws Exception {
    SubagentOutcome outcome =
        run(attempt("fake", "{\"fake\": {\"output\": \"thinking...\", \"result_file\": \"done\", \"exit_code\": 3}}"));

    assertThat(outcome.outcome()).isEqualTo(AttemptOutcome.FAILED);
    assertThat(outcome.exitCode()).isEqualTo(3);
    assertThat(outcome.result()).isEqualTo("done");
    assertThat(outcome.logTail()).isEqualTo("thinking...");
  }

  @Test
  void fakeAgentSubmitsASubtaskToTheMeshApi() throws Exception {
    CompletableFuture<String> received = new CompletableFuture<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/work/",
        exchange -> {
          received.complete(
              exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                  + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(201, -1);
          exchange.close();
        });
    server.start();
    try {
      AttemptSpec base = attempt("fake", "{\"fake\": {\"subtask\": {\"title\": \"child task\"}}}");
      AttemptSpec spec =
          new AttemptSpec(
              base.taskId(), base.missionId(), base.attemptId(), base.claimToken(), base.title(), base.description(),
              base.runtime(), base.input(), null, "http://127.0.0.1:" + server.getAddress().getPort());

      SubagentOutcome outcome = run(spec);

      assertThat(outcome.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
      assertThat(outcome.result()).contains("subtask status=201");
      assertThat(received.get(5, TimeUnit.SECONDS))
          .isEqualTo("POST /work/missions/" + spec.missionId() + "/tasks {\"title\":\"child task\"}");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void missingBinaryIsAClearLaunchError() {
    SubagentSettings settings = SubagentSettings.defaults(dataDir).withBinary("codex", scratch.resolve("no-such-codex").toString());
    launcher = new SubagentLauncher(settings, RuntimeCatalog.from(settings));

    assertThatThrownBy(() -> launcher.launch(prompted("codex", "hi")))
        .isInstanceOf(SubagentLaunchException.class)
        .hasMessageContaining("runtime 'codex' needs the binary")
        .hasMessageContaining("no-such-codex");
    assertThatThrownBy(() -> launcher.launch(attempt("exec", "{\"argv\": [\"/no/such/program\"]}")))
        .isInstanceOf(SubagentLaunchException.class)
        .hasMessageContaining("cannot start /no/such/program");
    assertThat(launcher.running()).isEmpty();
  }

  @Test
  void unusableInputIsAClearLaunchError() {
    RuntimeDefinition echo = new RuntimeDefinition("echo_prompt", "printf", List.of("{prompt}"));
    SubagentSettings settings = SubagentSettings.defaults(dataDir).withRuntime(echo);
    launcher = new SubagentLauncher(settings, RuntimeCatalog.from(settings));

    assertThatThrownBy(() -> launcher.launch(attempt("exec", "{\"argv\": \"make test\"}")))
        .isInstanceOf(SubagentLaunchException.class)
        .hasMessageContaining("input.argv, a non-empty array of strings");
    assertThatThrownBy(() -> launcher.launch(attempt("exec", "{\"argv\": [\"make\", 3]}")))
        .hasMessageContaining("input.argv");
    assertThatThrownBy(() -> launcher.launch(attempt("bash", "{}")))
        .hasMessageContaining("input.command, a non-empty string");
    assertThatThrownBy(() -> launcher.launch(attempt("no_such_runtime", "{}")))
        .hasMessageContaining("runtime 'no_such_runtime' is not known");
    assertThatThrownBy(
            () -> launcher.launch(new AttemptSpec(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "t", "", " ", "echo_prompt", null, null, null)))
        .hasMessageContaining("neither a description nor a title");
  }
}
