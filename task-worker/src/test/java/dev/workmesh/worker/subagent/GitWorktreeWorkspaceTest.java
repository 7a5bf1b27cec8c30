package dev.workmesh.worker.subagent;

import static dev.workmesh.worker.subagent.TestAttempts.attempt;
import static dev.workmesh.worker.subagent.TestAttempts.quote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workmesh.worker.subagent.GitCli.GitFailedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitWorktreeWorkspaceTest {

  @TempDir Path dataDir;
  @TempDir Path origin;
  final GitCli git = new GitCli(Duration.ofSeconds(30));
  SubagentLauncher launcher;
  String firstCommit;

  @BeforeEach
  void repository() throws Exception {
    git.run(origin, "init", "--quiet", "-b", "main");
    Files.writeString(origin.resolve("file.txt"), "v1\n");
    commit("first");
    git.run(origin, "tag", "v1");
    firstCommit = git.run(origin, "rev-parse", "HEAD");
    Files.writeString(origin.resolve("file.txt"), "v2\n");
    commit("second");
    SubagentSettings settings = SubagentSettings.defaults(dataDir);
    launcher = new SubagentLauncher(settings, RuntimeCatalog.from(settings));
  }

  @AfterEach
  void close() {
    launcher.close();
  }

  private void commit(String message) {
    git.run(origin, "add", "-A");
    git.run(origin, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", message);
  }

  private AttemptSpec inRepository(String ref) {
    String refField = ref == null ? "" : ", \"ref\": " + quote(ref);
    return attempt("bash", "{\"command\": \"cat file.txt; git rev-parse HEAD\", \"repository\": " + quote(origin.toString()) + refField + "}");
  }

  @Test
  void attemptRunsInADetachedWorktreeAtTheRefWhichIsRemovedAfterwards() throws Exception {
    RunningSubagent subagent = launcher.launch(inRepository("v1"));
    SubagentOutcome outcome = subagent.outcome().get(30, TimeUnit.SECONDS);

    assertThat(outcome.outcome()).as(outcome.logTail()).isEqualTo(AttemptOutcome.SUCCEEDED);
    assertThat(outcome.result()).isEqualTo("v1\n" + firstCommit + "\n");
    Path mirror = dataDir.resolve("repos").resolve(GitRepositoryMirrors.mirrorName(origin.toString()));
    assertThat(git.run(mirror, "rev-parse", "--is-bare-repository")).isEqualTo("true");
    assertThat(subagent.workingDirectory()).doesNotExist();
    assertThat(git.run(mirror, "worktree", "list", "--porcelain")).doesNotContain(subagent.workingDirectory().toString());
    assertThat(subagent.attemptDirectory().resolve("attempt.log")).exists();
  }

  @Test
  void mirrorIsClonedOnceAndFetchedForLaterAttempts() throws Exception {
    SubagentOutcome atHead = launcher.launch(inRepository(null)).outcome().get(30, TimeUnit.SECONDS);
    assertThat(atHead.result()).startsWith("v2\n");

    Files.writeString(origin.resolve("file.txt"), "v3\n");
    commit("third");
    SubagentOutcome afterFetch = launcher.launch(inRepository("main")).outcome().get(30, TimeUnit.SECONDS);

    assertThat(afterFetch.result()).startsWith("v3\n");
    try (var repos = Files.list(dataDir.resolve("repos"))) {
      assertThat(repos.toList()).hasSize(1);
    }
  }

  @Test
  void unknownRefIsAClearLaunchErrorAndLeavesNoWorktree() {
    AttemptSpec spec = inRepository("no-such-branch");

    assertThatThrownBy(() -> launcher.launch(spec))
        .isInstanceOf(SubagentLaunchException.class)
        .hasMessageContaining("cannot check out ref 'no-such-branch'")
        .hasMessageContaining("input.ref exists");
    assertThat(dataDir.resolve("attempts").resolve(spec.attemptId().toString()).resolve("work")).doesNotExist();
  }

  @Test
  void refThatLooksLikeAnOptionIsRefused() {
    assertThatThrownBy(() -> launcher.launch(inRepository("--upload-pack=touch /tmp/x")))
        .isInstanceOf(SubagentLaunchException.class)
        .hasMessageContaining("must not start with '-'");
  }

  @Test
  void unreadableRepositoryIsAClearLaunchError() {
    AttemptSpec spec =
        attempt("bash", "{\"command\": \"true\", \"repository\": " + quote(origin.resolve("missing").toString()) + "}");

    assertThatThrownBy(() -> launcher.launch(spec))
        .isInstanceOf(SubagentLaunchException.class)
        .hasMessageContaining("cannot clone")
        .hasRootCauseInstanceOf(GitFailedException.class);
  }
}
