package dev.workmesh.worker.subagent;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Process groups as Linux shows them in {@code /proc}. Java can signal a process but not a group,
 * and {@link ProcessHandle#descendants()} loses a process once its parent exits; the group keeps it:
 * every subagent starts in a session (and group) of its own whose id is its pid, and whatever it
 * starts stays in that group unless it makes a session of its own.
 */
final class ProcessGroups {

  private static final Path PROC = Path.of("/proc");

  /** One process: its pid, its process group and when it started (clock ticks since boot). */
  record Member(long pid, long group, long startTicks) {

    /** Its handle, if it still is the same process (not a recycled pid). */
    Optional<ProcessHandle> handle() {
      return ProcessHandle.of(pid).filter(h -> stat(pid).map(m -> m.startTicks == startTicks).orElse(false));
    }
  }

  private ProcessGroups() {}

  /** Whether this system exposes process groups in {@code /proc}. */
  static boolean supported() {
    return Files.isReadable(PROC.resolve("self").resolve("stat"));
  }

  /**
   * The running (not zombie) processes of group {@code pgid} that started at or after {@code
   * notBeforeTicks}: a group id recycled by processes started earlier is never taken for the group.
   */
  static List<Member> running(long pgid, long notBeforeTicks) {
    List<Member> members = new ArrayList<>();
    if (pgid <= 1 || !supported()) {
      return members;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, p -> isNumber(p.getFileName().toString()))) {
      for (Path entry : entries) {
        stat(Long.parseLong(entry.getFileName().toString()))
            .filter(m -> m.group == pgid && m.startTicks >= notBeforeTicks)
            .ifPresent(members::add);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + PROC + ": " + e.getMessage(), e);
    }
    return members;
  }

  /** SIGKILL to every running member of the group; returns how many were signalled. */
  static int kill(long pgid, long notBeforeTicks) {
    int killed = 0;
    for (Member member : running(pgid, notBeforeTicks)) {
      if (member.handle().map(ProcessHandle::destroyForcibly).orElse(false)) {
        killed++;
      }
    }
    return killed;
  }

  /** When {@code pid} started, in clock ticks since boot; empty once it is gone or a zombie. */
  static Optional<Long> startTicks(long pid) {
    return stat(pid).map(Member::startTicks);
  }

  /** The current boot, so that ids recorded before a reboot are never signalled. */
  static String bootId() {
    try {
      return Files.readString(PROC.resolve("sys/kernel/random/boot_id")).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Reads {@code /proc/<pid>/stat}; empty when the process is gone or a zombie. */
  private static Optional<Member> stat(long pid) {
    String stat;
    try {
      stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
    } catch (IOException e) {
      return Optional.empty();
    }
    // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
    // cutime cstime priority nice num_threads itrealvalue starttime ...; comm may hold spaces and ')'.
    int afterName = stat.lastIndexOf(')');
    if (afterName < 0) {
      return Optional.empty();
    }
    String[] fields = stat.substring(afterName + 2).split(" ");
    if (fields.length < 20 || fields[0].equals("Z") || fields[0].equals("X")) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Member(pid, Long.parseLong(fields[2]), Long.parseLong(fields[19])));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static boolean isNumber(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
