package dev.workmesh.worker.subagent;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local half of a worker's start-up after a crash: every attempt directory that still holds a
 * {@link AttemptClaimRecord} belongs to an attempt the last run never finished. Its process group,
 * if anything of it still runs in this boot, is killed with SIGKILL and waited for; its working
 * directory (or git worktree) is removed; its record is deleted (the logs stay). The worker then
 * reports those attempts and only after that claims anything, so a retry on this node never starts
 * while the old copy may still run.
 */
final class LeftoverReconciliation {

  private static final Logger log = LoggerFactory.getLogger(LeftoverReconciliation.class);
  /** How long processes get to disappear after SIGKILL (one in uninterruptible sleep may take a while). */
  static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private final Path attemptsDir;
  private final GitRepositoryMirrors mirrors;

  LeftoverReconciliation(Path attemptsDir, GitRepositoryMirrors mirrors) {
    this.attemptsDir = attemptsDir;
    this.mirrors = mirrors;
  }

  /**
   * @throws IllegalStateException when processes of a leftover group survive SIGKILL: claiming then
   *     could run a task twice at once
   */
  List<LeftoverAttempt> run() {
    List<LeftoverAttempt> leftovers = new ArrayList<>();
    if (!Files.isDirectory(attemptsDir)) {
      return leftovers;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(attemptsDir, Files::isDirectory)) {
      for (Path dir : dirs) {
        if (Files.exists(dir.resolve(AttemptClaimRecord.FILE_NAME))) {
          reconcile(dir).ifPresent(leftovers::add);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the attempt directories in " + attemptsDir + ": " + e.getMessage(), e);
    }
    return leftovers;
  }

  private Optional<LeftoverAttempt> reconcile(Path dir) throws IOException {
    AttemptClaimRecord record;
    try {
      record = AttemptClaimRecord.read(dir);
    } catch (IOException | RuntimeException e) {
      log.warn("Ignoring the unreadable claim record in {} ({}); its lease bounds whatever it was", dir, e.getMessage());
      AttemptClaimRecord.delete(dir);
      return Optional.empty();
    }
    int killed = killGroup(record);
    removeWorkspace(dir.resolve("work"));
    AttemptClaimRecord.delete(dir);
    log.warn("Reconciled attempt {} of task {}, left running by an earlier run of this worker: {}; workspace removed",
        record.attemptId(), record.taskId(),
        record.processGroup() == null ? "its subagent had not started"
            : killed == 0 ? "nothing of process group " + record.processGroup() + " was running"
            : "killed " + killed + " process(es) of group " + record.processGroup());
    return Optional.of(new LeftoverAttempt(record.taskId(), record.attemptId(), record.claimToken(), killed));
  }

  private static int killGroup(AttemptClaimRecord record) {
    if (record.processGroup() == null || !ProcessGroups.bootId().equals(record.bootId())) {
      return 0; // never started, or it ran before a reboot: nothing of it can run now
    }
    long pgid = record.processGroup();
    long notBefore = record.groupStartTicks() == null ? 0 : record.groupStartTicks();
    int killed = 0;
    long deadline = System.nanoTime() + KILL_WAIT.toNanos();
    while (true) {
      List<ProcessGroups.Member> running = ProcessGroups.running(pgid, notBefore);
      if (running.isEmpty()) {
        return killed;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "processes %s of group %d (attempt %s of task %s) are still running %s after SIGKILL; the worker does not claim"
                + " work while an earlier copy of a task may run: stop them and start the worker again"
                .formatted(running.stream().map(ProcessGroups.Member::pid).toList(), pgid, record.attemptId(), record.taskId(), KILL_WAIT));
      }
      killed = Math.max(killed, ProcessGroups.kill(pgid, notBefore));
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  /** A git worktree is removed through its mirror (named in its {@code .git} file); a plain directory is deleted. */
  private void removeWorkspace(Path work) {
    Path gitFile = work.resolve(".git");
    if (Files.isRegularFile(gitFile)) {
      try {
        String line = Files.readString(gitFile).strip();
        if (line.startsWith("gitdir:")) {
          // <mirror>/worktrees/<name>
          Path mirror = Path.of(line.substring("gitdir:".length()).strip()).getParent().getParent();
          mirrors.removeWorktree(mirror, work);
          return;
        }
      } catch (IOException | RuntimeException e) {
        log.warn("Cannot remove the worktree {} through its mirror ({}); deleting it", work, e.getMessage());
      }
    }
    GitRepositoryMirrors.deleteRecursively(work);
  }
}
