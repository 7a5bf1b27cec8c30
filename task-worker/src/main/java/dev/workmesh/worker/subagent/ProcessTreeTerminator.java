package dev.workmesh.worker.subagent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * Stops a subagent and everything it started: SIGTERM to the tree, later SIGKILL to whatever is
 * left. The tree is the subagent's process group (it runs in a session of its own, see {@link
 * ProcessGroupGuard}), which keeps processes whose parent exited, plus its {@link
 * ProcessHandle#descendants()} (a child that made a session of its own). Handles seen at SIGTERM time
 * are remembered: once the root exits its children are re-parented and no longer show up as its
 * descendants, but they still get SIGKILL. A {@link ProcessHandle} carries the start time, so a
 * recycled pid is never signalled.
 */
final class ProcessTreeTerminator {

  private final ProcessHandle root;
  private final long groupStartTicks;
  private final LongPredicate groupMayHaveMembers;
  private final Set<ProcessHandle> seen = new LinkedHashSet<>();

  /**
   * @param groupStartTicks when the root started (clock ticks since boot), to tell its group from a recycled id
   * @param groupMayHaveMembers a cheap first question before {@link #killGroup} looks through {@code /proc}:
   *     false only when no process is left in the group
   */
  ProcessTreeTerminator(ProcessHandle root, long groupStartTicks, LongPredicate groupMayHaveMembers) {
    this.root = root;
    this.groupStartTicks = groupStartTicks;
    this.groupMayHaveMembers = groupMayHaveMembers;
  }

  /** SIGKILL to every process still running in the root's group; returns how many. */
  int killGroup() {
    return groupMayHaveMembers.test(root.pid()) ? ProcessGroups.kill(root.pid(), groupStartTicks) : 0;
  }

  /**
   * SIGTERM to the whole tree, parents before children, from one snapshot taken first. Parents go
   * first so that no parent sees its child die and carries on with its next command.
   */
  void terminate() {
    for (ProcessHandle process : tree()) {
      process.destroy();
    }
  }

  /** SIGKILL to every process of the tree still alive; true if there was one. */
  boolean kill() {
    boolean killed = false;
    for (ProcessHandle process : tree()) {
      if (isRunning(process)) {
        killed |= process.destroyForcibly();
      }
    }
    return killed;
  }

  /** Whether any process of the tree, including ones seen before, is still running. */
  boolean anyAlive() {
    return tree().stream().anyMatch(ProcessTreeTerminator::isRunning);
  }

  /**
   * Alive and not a zombie. {@link ProcessHandle#isAlive()} is true for a zombie: an orphan that
   * has exited but that init has not reaped yet, which no signal can affect any more.
   */
  static boolean isRunning(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      int afterName = stat.lastIndexOf(')');
      return afterName < 0 || afterName + 2 >= stat.length() || stat.charAt(afterName + 2) != 'Z';
    } catch (IOException e) {
      return process.isAlive(); // no /proc (not Linux), or it has just been reaped
    }
  }

  /** The root, then the tree now plus every process seen before; descendants() lists parents before children. */
  private List<ProcessHandle> tree() {
    List<ProcessHandle> all = new ArrayList<>();
    all.add(root);
    synchronized (seen) {
      seen.addAll(root.descendants().toList());
      for (ProcessGroups.Member member : ProcessGroups.running(root.pid(), groupStartTicks)) {
        if (member.pid() != root.pid()) {
          member.handle().ifPresent(seen::add);
        }
      }
      all.addAll(seen);
    }
    return all;
  }
}
