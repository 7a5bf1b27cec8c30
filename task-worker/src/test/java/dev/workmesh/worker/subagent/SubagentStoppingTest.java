package dev.workmesh.worker.subagent;

import static dev.workmesh.worker.subagent.TestAttempts.attempt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubagentStoppingTest {

  @TempDir Path dataDir;
  SubagentLauncher launcher;

  @BeforeEach
  void launcher() {
    SubagentSettings settings = SubagentSettings.defaults(dataDir).withKillGrace(Duration.ofMillis(500));
    launcher = new SubagentLauncher(settings, RuntimeCatalog.from(settings));
  }

  @AfterEach
  void closeLauncher() {
    launcher.close();
  }

  @Test
  void timeoutKillsAnAgentThatIgnoresSigtermTogetherWithItsChildren() throws Exception {
    // The fake agent ignores SIGTERM and starts a shell that ignores it too, which starts sleep (inheriting the ignore).
    String input =
        """
        {"fake": {"ignore_sigterm": true, "spawn": ["bash", "-c", "trap '' TERM; sleep 60; echo unreachable"],
                  "output": "started\\n", "sleep_ms": 60000}}
        """;
    RunningSubagent subagent = launcher.launch(attempt("fake", input, Duration.ofSeconds(3)));
    ProcessHandle agent = ProcessHandle.of(subagent.pid()).orElseThrow();

    List<ProcessHandle> children =
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.descendants().toList(), tree -> tree.size() >= 2);
    SubagentOutcome outcome = subagent.outcome().get(20, TimeUnit.SECONDS);

    assertThat(outcome.outcome()).isEqualTo(AttemptOutcome.TIMED_OUT);
    assertThat(outcome.exitCode()).isEqualTo(137);
    assertThat(outcome.error()).contains("timeout of PT3S").contains("SIGKILL");
    assertThat(outcome.logTail()).contains("started").doesNotContain("unreachable");
    assertThat(ProcessTreeTerminator.isRunning(agent)).isFalse();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(children).noneMatch(ProcessTreeTerminator::isRunning));
  }

  @Test
  void cancelMidRunEndsCancelled() throws Exception {
    RunningSubagent subagent = launcher.launch(attempt("bash", "{\"command\": \"echo started; sleep 60; echo unreachable\"}"));
    await().atMost(Duration.ofSeconds(10)).until(() -> subagent.logTail().contains("started"));
    ProcessHandle shell = ProcessHandle.of(subagent.pid()).orElseThrow();
    List<ProcessHandle> children = shell.descendants().toList();

    subagent.cancel();
    SubagentOutcome outcome = subagent.outcome().get(10, TimeUnit.SECONDS);

    assertThat(outcome.outcome()).isEqualTo(AttemptOutcome.CANCELLED);
    assertThat(outcome.error()).startsWith("cancelled; stopped with SIGTERM").doesNotContain("SIGKILL");
    assertThat(outcome.result()).isEqualTo("started\n");
    assertThat(outcome.duration()).isLessThan(Duration.ofSeconds(10));
    assertThat(subagent.isRunning()).isFalse();
    assertThat(launcher.running()).isEmpty();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(children).noneMatch(ProcessTreeTerminator::isRunning));
  }

  @Test
  void cancelAfterTheSubagentExitedChangesNothing() throws Exception {
    RunningSubagent subagent = launcher.launch(attempt("bash", "{\"command\": \"true\"}"));
    SubagentOutcome outcome = subagent.outcome().get(10, TimeUnit.SECONDS);

    subagent.cancel();

    assertThat(outcome.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
    assertThat(subagent.outcome().get()).isEqualTo(outcome);
  }
}
