package dev.workmesh.bench.infra;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time spent by each part of the system under test during a measured window: this JVM's threads
 * grouped by what they do (mesh-api request handling, the outbox relay, the Kafka broker, the
 * benchmark's own clients, the JVM itself), and the PostgreSQL server's processes. On a shared, noisy
 * machine, wall-clock throughput depends on how much CPU the run was given; CPU milliseconds per task
 * do much less, and they say where the time goes.
 *
 * <p>What no thread of this JVM still alive and no PostgreSQL process accounts for is counted too, so
 * that the groups add up to what the machine spent: {@link #JVM_UNATTRIBUTED} (this process's CPU time
 * less its live threads': threads that ended inside the window, such as a subagent's output pumps) and
 * {@link #REST_OF_MACHINE} (the machine's busy time from {@code /proc/stat} less this process and
 * PostgreSQL: the subagents' own processes, the kernel's work on behalf of no process, and whatever
 * else runs on the machine, which on a quiet machine is next to nothing).
 *
 * <p>PostgreSQL is measured from {@code /proc} (Linux only; elsewhere it reads as 0): the postmaster
 * found from a backend's parent pid, and its children. Virtual threads (mesh-api's request handlers)
 * are counted on their carrier threads.
 */
public final class CpuMeter {

  /** mesh-api's request handling: virtual-thread carriers, Tomcat's threads, the JDK's virtual-thread pollers. */
  public static final String MESH_API_HTTP = "mesh-api http (virtual-thread carriers)";

  /** The JVM's own threads, read from {@code /proc/self/task} (ThreadMXBean does not list them). */
  public static final String JVM_JIT = "jvm: jit compilers";
  public static final String JVM_GC = "jvm: garbage collector";
  public static final String JVM_VM = "jvm: vm threads";

  /** Thread-name prefixes to groups, first match wins. */
  private static final List<Map.Entry<String, String>> GROUPS = List.of(
      Map.entry("ForkJoinPool-", MESH_API_HTTP),
      Map.entry("http-nio-", MESH_API_HTTP),
      Map.entry("tomcat-", MESH_API_HTTP),
      // The JDK's pollers for blocked virtual threads: mesh-api's sockets (clients, JDBC) wait there.
      Map.entry("MasterPoller", MESH_API_HTTP),
      Map.entry("Read-Poller", MESH_API_HTTP),
      Map.entry("Write-Poller", MESH_API_HTTP),
      Map.entry("SubPoller", MESH_API_HTTP),
      Map.entry("mesh-loop-outbox-relay", "mesh-api outbox relay"),
      Map.entry("kafka-producer-network-thread | mesh-api", "mesh-api outbox relay"),
      Map.entry("mesh-pg-listen", "mesh-api outbox relay"),
      Map.entry("mesh-task-events", "mesh-api events feed"),
      Map.entry("bench-worker-", "bench worker loops (clients)"),
      Map.entry("consumer_background_thread", "bench worker loops (clients)"),
      Map.entry("HttpClient-", "bench worker loops (clients)"),
      Map.entry("bench-submit-", "bench submitters (clients)"),
      Map.entry("raw-worker-", "raw loop / db-scheduler (clients)"),
      Map.entry("db-scheduler", "raw loop / db-scheduler (clients)"),
      Map.entry("subagent-", "subagent supervision"),
      Map.entry("process reaper", "subagent supervision"),
      Map.entry("data-plane-kafka", "kafka broker"),
      Map.entry("kafka-", "kafka broker"),
      Map.entry("share-", "kafka broker"),
      Map.entry("PersisterStateManager", "kafka broker"),
      Map.entry("broker-", "kafka broker"),
      Map.entry("controller-", "kafka broker"),
      Map.entry("quorum", "kafka broker"),
      Map.entry("group-coordinator", "kafka broker"),
      Map.entry("ExpirationReaper", "kafka broker"),
      Map.entry("LogDirFailureHandler", "kafka broker"),
      Map.entry("C1 ", JVM_JIT),
      Map.entry("C2 ", JVM_JIT),
      Map.entry("G1 ", JVM_GC),
      Map.entry("GC ", JVM_GC),
      Map.entry("VM ", JVM_VM));

  public static final String POSTGRES = "postgresql server";
  public static final String JVM_UNATTRIBUTED = "this jvm, threads ended in the window";
  public static final String REST_OF_MACHINE = "rest of the machine (subagent processes, kernel, anything else)";

  /** Native names ({@code /proc/self/task/TID/comm}) of the JVM's own threads; {@link #GROUPS} groups them. */
  private static final List<String> JVM_INTERNAL_THREADS =
      List.of("C1 CompilerThre", "C2 CompilerThre", "G1 ", "GC Thread", "VM Thread", "VM Periodic Tas");

  /**
   * CPU nanoseconds by group at one instant, this process's CPU time, the machine's busy time (-1 where
   * it cannot be read), and the wall clock.
   */
  public record Snapshot(long wallNanos, Map<String, Long> cpuNanos, long processCpuNanos, long machineBusyNanos) {}

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final long postmasterPid;
  private final long clockTicksPerSecond;

  /** @param postmasterPid the PostgreSQL server's main process ({@link #parentOf} a backend), or -1 */
  public CpuMeter(long postmasterPid) {
    this.postmasterPid = postmasterPid;
    this.clockTicksPerSecond = 100; // USER_HZ: 100 on every Linux architecture the JDK supports
  }

  public Snapshot take() {
    Map<String, Long> cpu = new HashMap<>();
    long[] ids = threads.getAllThreadIds();
    ThreadInfo[] infos = threads.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] == null) {
        continue;
      }
      long nanos = threads.getThreadCpuTime(ids[i]);
      if (nanos > 0) {
        cpu.merge(group(infos[i].getThreadName()), nanos, Long::sum);
      }
    }
    jvmInternalCpuNanos().forEach((group, nanos) -> cpu.merge(group, nanos, Long::sum));
    cpu.put(POSTGRES, postgresCpuNanos());
    return new Snapshot(System.nanoTime(), cpu, processCpuNanos(), machineBusyNanos());
  }

  /**
   * CPU milliseconds per task by group between two snapshots, plus {@code total}, and {@code
   * cores_used}: CPU time over wall time, how much of the machine the window actually got. Both include
   * {@link #JVM_UNATTRIBUTED} and {@link #REST_OF_MACHINE}, so {@code cores_used} near the machine's
   * core count means the window was CPU-bound.
   */
  public static Map<String, Double> perTask(Snapshot before, Snapshot after, long tasks) {
    return perTask(before, after, tasks, Map.of());
  }

  /**
   * As {@link #perTask(Snapshot, Snapshot, long)}, adding {@code ended}: CPU nanoseconds by group of
   * threads that started and ended inside the window (a thread's time is gone once it has ended, so
   * such threads report their own, see {@link #currentThreadCpuNanos}).
   */
  public static Map<String, Double> perTask(Snapshot before, Snapshot after, long tasks, Map<String, Long> ended) {
    Map<String, Double> out = new LinkedHashMap<>();
    long total = 0;
    Map<String, Long> deltas = new HashMap<>();
    for (var e : after.cpuNanos().entrySet()) {
      long delta = Math.max(0, e.getValue() - before.cpuNanos().getOrDefault(e.getKey(), 0L));
      deltas.put(e.getKey(), delta);
      total += delta;
    }
    for (var e : ended.entrySet()) {
      deltas.merge(e.getKey(), e.getValue(), Long::sum);
      total += e.getValue();
    }
    long jvmThreads = total - deltas.getOrDefault(POSTGRES, 0L);
    long process = after.processCpuNanos() - before.processCpuNanos();
    long unattributed = Math.max(0, process - jvmThreads);
    deltas.put(JVM_UNATTRIBUTED, unattributed);
    total += unattributed;
    if (before.machineBusyNanos() >= 0 && after.machineBusyNanos() >= 0) {
      long rest = Math.max(0, after.machineBusyNanos() - before.machineBusyNanos() - total);
      deltas.put(REST_OF_MACHINE, rest);
      total += rest;
    }
    deltas.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .filter(e -> e.getValue() > 0)
        .forEach(e -> out.put(e.getKey(), round(e.getValue() / 1e6 / tasks)));
    out.put("total", round(total / 1e6 / tasks));
    double wall = after.wallNanos() - before.wallNanos();
    out.put("cores_used", wall <= 0 ? 0 : round(total / wall));
    return out;
  }

  /**
   * CPU of the JIT compilers', the garbage collector's and the VM's own threads by group, from {@code
   * /proc/self/task}; empty elsewhere.
   */
  private Map<String, Long> jvmInternalCpuNanos() {
    Map<String, Long> byGroup = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String name = Files.readString(task.resolve("comm")).strip();
          if (JVM_INTERNAL_THREADS.stream().anyMatch(name::startsWith)) {
            long[] stat = stat(task.resolve("stat"));
            long ticks = stat == null ? 0 : stat[1] + stat[2];
            byGroup.merge(group(name), ticks * 1_000_000_000L / clockTicksPerSecond, Long::sum);
          }
        } catch (IOException gone) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    return byGroup;
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }

  /** Busy time of every CPU of the machine (all but idle and iowait) from {@code /proc/stat}; -1 elsewhere. */
  private long machineBusyNanos() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst();
      String[] f = cpu.trim().split("\\s+"); // cpu user nice system idle iowait irq softirq steal ...
      long ticks = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
        ticks += i < f.length ? Long.parseLong(f[i]) : 0;
      }
      return ticks * 1_000_000_000L / clockTicksPerSecond;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The calling thread's CPU time so far, for threads that end before the window does. */
  public static long currentThreadCpuNanos() {
    return Math.max(0, ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
  }

  /** The group a thread of this name counts in. */
  public static String group(String thread) {
    for (var e : GROUPS) {
      if (thread.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return "other threads of this jvm";
  }

  private long postgresCpuNanos() {
    if (postmasterPid <= 0) {
      return 0;
    }
    long ticks = 0;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
        long[] stat = stat(p.resolve("stat"));
        if (stat == null) {
          continue;
        }
        long pid = Long.parseLong(p.getFileName().toString());
        if (pid == postmasterPid) {
          ticks += stat[1] + stat[2] + stat[3] + stat[4]; // its own time and its reaped children's
        } else if (stat[0] == postmasterPid) {
          ticks += stat[1] + stat[2];
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return ticks * 1_000_000_000L / clockTicksPerSecond;
  }

  /** The parent of a process (of a PostgreSQL backend: the postmaster), or -1 when it cannot be read. */
  public static long parentOf(long pid) {
    long[] stat = stat(Path.of("/proc", Long.toString(pid), "stat"));
    return stat == null ? -1 : stat[0];
  }

  /** ppid, utime, stime, cutime, cstime from /proc/PID/stat; null if the process is gone. */
  private static long[] stat(Path file) {
    try {
      String s = Files.readString(file);
      // The command name may hold spaces and parentheses: fields start after the last ')'.
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
          Long.parseLong(f[14])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
