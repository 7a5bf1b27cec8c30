package dev.workmesh.worker.subagent;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/** The working directory of one attempt, and what to undo when the attempt ends. */
final class AttemptWorkspace {

  private final Path directory;
  private final Runnable release;
  private final AtomicBoolean released = new AtomicBoolean();

  private AttemptWorkspace(Path directory, Runnable release) {
    this.directory = directory;
    this.release = release;
  }

  /** A plain directory, left in place with the attempt's logs. */
  static AttemptWorkspace plain(Path directory) {
    return new AttemptWorkspace(directory, () -> {});
  }

  /** A git worktree, removed from disk and from its mirror when released. */
  static AttemptWorkspace worktree(Path directory, Path mirror, GitRepositoryMirrors mirrors) {
    return new AttemptWorkspace(directory, () -> mirrors.removeWorktree(mirror, directory));
  }

  Path directory() {
    return directory;
  }

  /** Idempotent. */
  void release() {
    if (released.compareAndSet(false, true)) {
      release.run();
    }
  }
}
