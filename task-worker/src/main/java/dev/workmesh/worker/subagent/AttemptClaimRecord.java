package dev.workmesh.worker.subagent;

import dev.workmesh.client.MeshClient;
import dev.workmesh.worker.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * What a crashed worker needs to clean up after one attempt, in {@code <attempt dir>/claim.json}:
 * written before the subagent starts, completed with its process group once it runs, deleted once
 * the subagent and its group have ended.
 *
 * <p>The claim token is kept only when the attempt directory is private (0700, as the worker creates
 * it; the file itself is 0600): with it, the restarted worker ends the attempt at once instead of
 * leaving the task to wait for its lease. Without it (a directory others can read) reconciliation
 * still kills the group and cleans up, and the lease bounds the rest.
 *
 * @param claimToken null when the directory is not private
 * @param processGroup the subagent's process group (its pid), null until it started
 * @param groupStartTicks when the group's leader started (clock ticks since boot): processes of a
 *     recycled group id started earlier are never taken for it
 * @param bootId the boot the group lived in: after a reboot nothing of it runs
 */
record AttemptClaimRecord(
    UUID taskId, UUID attemptId, String claimToken, Long processGroup, Long groupStartTicks, String bootId) {

  static final String FILE_NAME = "claim.json";

  static AttemptClaimRecord claimed(AttemptSpec spec, Path attemptDir) {
    return new AttemptClaimRecord(spec.taskId(), spec.attemptId(), isPrivate(attemptDir) ? spec.claimToken() : null, null, null, null);
  }

  AttemptClaimRecord running(long pgid, long startTicks) {
    return new AttemptClaimRecord(taskId, attemptId, claimToken, pgid, startTicks, ProcessGroups.bootId());
  }

  void write(Path attemptDir) throws IOException {
    PrivateFiles.writeAtomically(attemptDir.resolve(FILE_NAME), MeshClient.JSON.writeValueAsString(this));
  }

  static AttemptClaimRecord read(Path attemptDir) throws IOException {
    return MeshClient.JSON.readValue(Files.readString(attemptDir.resolve(FILE_NAME)), AttemptClaimRecord.class);
  }

  static void delete(Path attemptDir) throws IOException {
    Files.deleteIfExists(attemptDir.resolve(FILE_NAME));
  }

  private static boolean isPrivate(Path dir) {
    try {
      return Files.getPosixFilePermissions(dir).equals(PosixFilePermissions.fromString("rwx------"));
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Leaves the claim token out of logs. */
  @Override
  public String toString() {
    return "AttemptClaimRecord[task=" + taskId + ", attempt=" + attemptId + ", processGroup=" + processGroup + "]";
  }
}
