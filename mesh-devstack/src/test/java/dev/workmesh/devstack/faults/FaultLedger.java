package dev.workmesh.devstack.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of the fault suite, as measured by the scenarios: tasks run, faults injected, tasks lost and
 * tasks done twice. Every number comes from the database or the services at the end of a scenario, never
 * from the test's intentions. {@link FaultSummaryExtension} prints the ledger once every fault test class
 * has run, and writes it to {@code target/fault-summary.txt}.
 */
final class FaultLedger {

  private static final FaultLedger GLOBAL = new FaultLedger();

  private final List<Scenario> scenarios = Collections.synchronizedList(new ArrayList<>());
  private final Instant started = Instant.now();

  static FaultLedger global() {
    return GLOBAL;
  }

  /** Opens the record of one scenario (one test method). */
  Scenario scenario(String name) {
    Scenario scenario = new Scenario(name);
    scenarios.add(scenario);
    return scenario;
  }

  /** A scenario that is not listed in the summary (e.g. the shared set-up of a test class). */
  static Scenario unlisted(String name) {
    return new Scenario(name);
  }

  /** One scenario's figures; a scenario that did not reach its verdict says so. */
  static final class Scenario {
    final String name;
    private final List<String> faults = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Object> figures = Collections.synchronizedMap(new LinkedHashMap<>());
    private final long startNanos = System.nanoTime();
    private volatile long tasks = -1;
    private volatile long lost = -1;
    private volatile long duplicated = -1;
    private volatile Duration took;
    private volatile boolean verdict;

    private Scenario(String name) {
      this.name = name;
    }

    void faultInjected(String what) {
      faults.add(what);
    }

    /** An extra measured figure, shown next to the scenario (e.g. rescues, rejected late reports). */
    void figure(String name, Object value) {
      figures.put(name, value);
    }

    /** The verdict of the scenario, as measured: how many tasks, how many lost, how many duplicated. */
    void verdict(long tasks, long lost, long duplicated) {
      this.tasks = tasks;
      this.lost = lost;
      this.duplicated = duplicated;
      this.took = Duration.ofNanos(System.nanoTime() - startNanos);
      this.verdict = true;
    }

    long faults() {
      return faults.size();
    }
  }

  String render() {
    StringBuilder out = new StringBuilder();
    out.append("Workmesh fault suite: summary (measured)\n");
    out.append("========================================\n");
    out.append(String.format("%-58s %7s %6s %5s %10s %7s%n", "scenario", "tasks", "faults", "lost", "duplicated",
        "secs"));
    long tasks = 0;
    long faults = 0;
    long lost = 0;
    long duplicated = 0;
    int incomplete = 0;
    List<Scenario> copy;
    synchronized (scenarios) {
      copy = new ArrayList<>(scenarios);
    }
    for (Scenario s : copy) {
      if (!s.verdict) {
        incomplete++;
        out.append(String.format("%-58s %7s %6d %5s %10s %7s%n", s.name, "-", s.faults(), "?", "?", "FAILED"));
        continue;
      }
      out.append(String.format("%-58s %7d %6d %5d %10d %7d%n", s.name, s.tasks, s.faults(), s.lost, s.duplicated,
          s.took.toSeconds()));
      tasks += s.tasks;
      faults += s.faults();
      lost += s.lost;
      duplicated += s.duplicated;
    }
    out.append(String.format("%-58s %7d %6d %5d %10d%n", "TOTAL (" + copy.size() + " scenarios"
        + (incomplete > 0 ? ", " + incomplete + " without a verdict" : "") + ")", tasks, faults, lost, duplicated));
    out.append("\nDetails\n-------\n");
    for (Scenario s : copy) {
      out.append("* ").append(s.name).append('\n');
      Map<String, Long> counted = new LinkedHashMap<>();
      synchronized (s.faults) {
        s.faults.forEach(f -> counted.merge(f, 1L, Long::sum));
      }
      if (!counted.isEmpty()) {
        out.append("    faults: ");
        List<String> parts = new ArrayList<>();
        counted.forEach((f, n) -> parts.add(n > 1 ? n + " x " + f : f));
        out.append(String.join("; ", parts)).append('\n');
      }
      synchronized (s.figures) {
        s.figures.forEach((k, v) -> out.append("    ").append(k).append(": ").append(v).append('\n'));
      }
    }
    out.append("\nsuite wall time: ").append(Duration.between(started, Instant.now()).toSeconds()).append(" s\n");
    return out.toString();
  }

  /** Prints the summary and writes it to {@code target/fault-summary.txt} (the module's build directory). */
  void publish() {
    if (scenarios.isEmpty()) {
      return;
    }
    String text = render();
    System.out.println();
    System.out.println(text);
    Path file = Path.of(System.getProperty("fault.summary.file", "target/fault-summary.txt"));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      System.err.println("could not write " + file + ": " + e);
    }
  }
}
