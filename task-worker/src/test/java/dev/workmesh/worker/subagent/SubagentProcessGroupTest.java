package dev.workmesh.worker.subagent;

import static dev.workmesh.worker.subagent.TestAttempts.attempt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Each subagent runs in a process group of its own, recorded in its attempt directory until the group has ended. */
class SubagentProcessGroupTest {

  @TempDir Path dataDir;
  @TempDir Path scratch;
  SubagentSettings settings;
  SubagentLauncher launcher;
  Process planted;

  @BeforeEach
  void launcher() {
    settings = SubagentSettings.defaults(dataDir).withKillGrace(Duration.ofMillis(500));
    launcher = new SubagentLauncher(settings, RuntimeCatalog.from(settings));
  }

  @AfterEach
  void close() {
    launcher.close();
    if (planted != null) {
      planted.destroyForcibly();
    }
  }

  static long[] sessionAndGroup(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return new long[] {Long.parseLong(fields[3]), Long.parseLong(fields[2])};
  }

  @Test
  void aSubagentRunsInASessionOfItsOwnAndItsAttemptDirectoryRecordsTheClaimAndGroupUntilItEnds() throws Exception {
    Path started = scratch.resolve("started");
    var spec = attempt("bash", "{\"command\": \"touch " + started + "; sleep 60\"}");
    RunningSubagent subagent = launcher.launch(spec);
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(started));

    assertThat(sessionAndGroup(subagent.pid())).containsExactly(subagent.pid(), subagent.pid());
    long ownGroup = sessionAndGroup(ProcessHandle.current().pid())[1];
    assertThat(ownGroup).isNotEqualTo(subagent.pid());

    Path record = subagent.attemptDirectory().resolve("claim.json");
    assertThat(Files.getPosixFilePermissions(subagent.attemptDirectory())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(record)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    JsonNode json = MeshClient.JSON.readTree(Files.readString(record));
    assertThat(json.path("task_id").asString()).isEqualTo(spec.taskId().toString());
    assertThat(json.path("attempt_id").asString()).isEqualTo(spec.attemptId().toString());
    assertThat(json.path("claim_token").asString()).isEqualTo(spec.claimToken());
    assertThat(json.path("process_group").asLong()).isEqualTo(subagent.pid());

    subagent.cancel();
    assertThat(subagent.outcome().get(20, TimeUnit.SECONDS).outcome()).isEqualTo(AttemptOutcome.CANCELLED);
    assertThat(record).doesNotExist();
  }

  @Test
  void whatASubagentLeavesRunningInItsGroupIsKilledWhenItExits() throws Exception {
    Path childPid = scratch.resolve("child.pid");
    RunningSubagent subagent =
        launcher.launch(attempt("bash", "{\"command\": \"sleep 300 & echo $! > " + childPid + "; echo done\"}"));
    assertThat(subagent.outcome().get(20, TimeUnit.SECONDS).outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);

    long child = Long.parseLong(Files.readString(childPid).strip());
    assertThat(ProcessHandle.of(child).filter(ProcessTreeTerminator::isRunning)).isEmpty();
    assertThat(subagent.attemptDirectory().resolve("claim.json")).doesNotExist();
  }

  @Test
  void whatASubagentLeavesInItsGroupWithItsOutputClosedIsKilledToo() throws Exception {
    // Nothing holds the output pipes open here: only the group says the process is left.
    Path childPid = scratch.resolve("child.pid");
    RunningSubagent subagent = launcher.launch(
        attempt("bash", "{\"command\": \"sleep 300 </dev/null >/dev/null 2>&1 & echo $! > " + childPid + "\"}"));
    assertThat(subagent.outcome().get(20, TimeUnit.SECONDS).outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);

    long child = Long.parseLong(Files.readString(childPid).strip());
    assertThat(ProcessHandle.of(child).filter(ProcessTreeTerminator::isRunning)).isEmpty();
  }

  @Test
  void theReaperSaysWhetherAGroupStillHasAProcessAndOnceItIsGoneItCannotSayNo() throws Exception {
    ProcessGroupGuard guard = ProcessGroupGuard.start(ExecutableLocator.fromEnvironment());
    Process sleeper = new ProcessBuilder(guard.command(List.of("sleep", "300"))).start();
    planted = sleeper;
    await().atMost(Duration.ofSeconds(10)).until(() -> !ProcessGroups.running(sleeper.pid(), 0).isEmpty());

    assertThat(guard.mayHaveMembers(sleeper.pid())).isTrue();
    sleeper.destroyForcibly();
    sleeper.waitFor(10, TimeUnit.SECONDS);
    assertThat(guard.mayHaveMembers(sleeper.pid())).isFalse();

    guard.close();
    assertThat(guard.mayHaveMembers(sleeper.pid())).as("no reaper: the caller must look for itself").isTrue();
  }

  @Test
  void aSubagentCountsAsExitedAtOnceWhileItsOutputIsStillCollected() throws Exception {
    // A process in a session of its own keeps the output pipe open for 3 s after the subagent exited.
    RunningSubagent subagent = launcher.launch(attempt("bash", "{\"command\": \"setsid sleep 3 & echo done\"}"));

    subagent.exited().get(2, TimeUnit.SECONDS);
    assertThat(subagent.outcome()).isNotDone();
    assertThat(subagent.outcome().get(20, TimeUnit.SECONDS).outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
  }

  @Test
  void reconciliationKillsALeftoverGroupRemovesItsWorkspaceAndReturnsItsClaim() throws Exception {
    // What a worker killed with SIGKILL leaves when nothing else stopped its subagent: a group still running.
    planted = new ProcessBuilder("setsid", "sleep", "300").start();
    long pgid = planted.pid();
    await().atMost(Duration.ofSeconds(5)).until(() -> sessionAndGroup(pgid)[1] == pgid);
    UUID taskId = UUID.randomUUID();
    UUID attemptId = UUID.randomUUID();
    Path attemptDir = dataDir.resolve("attempts").resolve(attemptId.toString());
    Files.createDirectories(attemptDir.resolve("work"));
    Files.setPosixFilePermissions(attemptDir, PosixFilePermissions.fromString("rwx------"));
    Files.writeString(attemptDir.resolve("attempt.log"), "kept\n");
    new AttemptClaimRecord(taskId, attemptId, "the-token", pgid, ProcessGroups.startTicks(pgid).orElseThrow(), ProcessGroups.bootId())
        .write(attemptDir);
    // A finished attempt, with no record, is not touched.
    Path finished = dataDir.resolve("attempts").resolve(UUID.randomUUID().toString());
    Files.createDirectories(finished.resolve("work"));

    List<LeftoverAttempt> leftovers = launcher.reconcileLeftovers();

    assertThat(leftovers).containsExactly(new LeftoverAttempt(taskId, attemptId, "the-token", 1));
    assertThat(planted.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(attemptDir.resolve("work")).doesNotExist();
    assertThat(attemptDir.resolve("claim.json")).doesNotExist();
    assertThat(attemptDir.resolve("attempt.log")).exists();
    assertThat(finished.resolve("work")).exists();
    assertThat(launcher.reconcileLeftovers()).isEmpty();
  }

  @Test
  void aRecordFromAnotherBootOrARecycledGroupIdKillsNothing() throws Exception {
    planted = new ProcessBuilder("setsid", "sleep", "300").start();
    long pgid = planted.pid();
    await().atMost(Duration.ofSeconds(5)).until(() -> sessionAndGroup(pgid)[1] == pgid);
    long startTicks = ProcessGroups.startTicks(pgid).orElseThrow();
    Path otherBoot = dataDir.resolve("attempts").resolve(UUID.randomUUID().toString());
    Files.createDirectories(otherBoot);
    new AttemptClaimRecord(UUID.randomUUID(), UUID.randomUUID(), null, pgid, startTicks, "another-boot").write(otherBoot);
    Path recycled = dataDir.resolve("attempts").resolve(UUID.randomUUID().toString());
    Files.createDirectories(recycled);
    new AttemptClaimRecord(UUID.randomUUID(), UUID.randomUUID(), null, pgid, startTicks + 1, ProcessGroups.bootId()).write(recycled);

    assertThat(launcher.reconcileLeftovers()).hasSize(2).allSatisfy(l -> assertThat(l.processesKilled()).isZero());
    assertThat(planted.isAlive()).isTrue();
  }
}
