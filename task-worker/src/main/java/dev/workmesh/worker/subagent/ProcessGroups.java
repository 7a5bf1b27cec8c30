package dev.workmesh.worker.subagent;

import java.io.FileInputStream;
import java.io.IOException;
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
  /** More than the fields up to starttime take, whatever the name; the rest of the line is not needed. */
  private static final int STAT_BUFFER = 1024;

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
    // Called whenever a subagent exits, so it must be cheap with hundreds of processes: the names come
    // from one directory listing, and each stat is read into one reused buffer and parsed in place.
    String[] entries = PROC.toFile().list();
    if (entries == null) {
      throw new IllegalStateException("cannot list " + PROC);
    }
    byte[] buffer = new byte[STAT_BUFFER];
    for (String entry : entries) {
      if (isNumber(entry)) {
        stat(Long.parseLong(entry), buffer)
            .filter(m -> m.group == pgid && m.startTicks >= notBeforeTicks)
            .ifPresent(members::add);
      }
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
    return stat(pid, new byte[STAT_BUFFER]);
  }

  private static Optional<Member> stat(long pid, byte[] buffer) {
    int length = 0;
    try (FileInputStream in = new FileInputStream("/proc/" + pid + "/stat")) {
      for (int n; length < buffer.length && (n = in.read(buffer, length, buffer.length - length)) > 0; ) {
        length += n;
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return parseStat(pid, buffer, length);
  }

  /**
   * pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
   * cutime cstime priority nice num_threads itrealvalue starttime ...; comm may hold spaces and ')'.
   */
  static Optional<Member> parseStat(long pid, byte[] stat, int length) {
    int afterName = length - 1;
    while (afterName >= 0 && stat[afterName] != ')') {
      afterName--;
    }
    int state = afterName + 2;
    if (afterName < 0 || state >= length || stat[state] == 'Z' || stat[state] == 'X') {
      return Optional.empty();
    }
    long group = -1;
    long startTicks = -1;
    int field = 0; // 0: state, 1: ppid, 2: pgrp, ... 19: starttime
    for (int i = state; i < length && field <= 19; field++) {
      int end = i;
      while (end < length && stat[end] != ' ' && stat[end] != '\n') {
        end++;
      }
      if (field == 2 || field == 19) {
        long value = parseLong(stat, i, end);
        if (value < 0) {
          return Optional.empty();
        }
        if (field == 2) {
          group = value;
        } else {
          startTicks = value;
        }
      }
      i = end + 1;
    }
    return startTicks < 0 ? Optional.empty() : Optional.of(new Member(pid, group, startTicks));
  }

  /** The decimal number in {@code bytes[from, to)}, or -1 if it is not one. */
  private static long parseLong(byte[] bytes, int from, int to) {
    if (from >= to || to - from > 18) {
      return -1;
    }
    long value = 0;
    for (int i = from; i < to; i++) {
      if (bytes[i] < '0' || bytes[i] > '9') {
        return -1;
      }
      value = value * 10 + (bytes[i] - '0');
    }
    return value;
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
