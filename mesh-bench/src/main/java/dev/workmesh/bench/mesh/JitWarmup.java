package dev.workmesh.bench.mesh;

import dev.workmesh.bench.BenchOptions;
import dev.workmesh.bench.infra.BenchInfra;
import dev.workmesh.bench.report.Audit;
import dev.workmesh.bench.report.ScenarioResult;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs Workmesh's path before the first measured Workmesh scenario until the JIT has compiled it, the
 * state a mesh-api and a task-worker that have been serving for a while are in. Without it the first
 * scenarios measure interpreted and C1-compiled code: the C2 compiler was still compiling mesh-api's
 * request path after 10,000 requests, and a single-submit scenario run after a warm-up of a few hundred
 * tasks ran at twice the rate of the same scenario run cold. The raw loop and db-scheduler warm up the
 * same way (a pre-run on the same code), only they have far less code to compile.
 *
 * <p>Rounds of single submits (from the submit threads), batched submits and one-record-per-poll claims
 * run through task-workers with the in-process runtime, on a stack of their own; the warm-up ends when a
 * round spent less than {@link #SETTLED_SHARE} of its wall time compiling (the JVM's own compilation
 * clock, summed over compiler threads), after at least {@link #MIN_ROUNDS} rounds, or when its time is
 * up ({@code --jit-warmup} seconds, shared by the two claiming modes, counted from each stack's start). Its tasks are audited like any scenario's, and it is reported as a row of its own (no ratio).
 */
public final class JitWarmup {

  public static final String KEY = "jit-warmup";
  static final double SETTLED_SHARE = 0.03;
  static final int MIN_ROUNDS = 1;
  private static final List<BenchWorkers.Mode> MODES = List.of(BenchWorkers.Mode.values());

  private JitWarmup() {}

  public static ScenarioResult run(BenchInfra infra, BenchOptions o, Consumer<String> progress)
      throws InterruptedException {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long start = System.nanoTime();
    long share = o.jitWarmupSeconds() * 1_000_000_000L / MODES.size();
    List<Long> compileMs = new ArrayList<>();
    int tasks = 0;
    boolean settled = true;
    Audit audit = new Audit(0, 0, 0, 0, List.of());
    for (int m = 0; m < MODES.size(); m++) {
      // One stack per claiming mode, each with its share of the time: per-task claims run another configuration.
      BenchWorkers.Mode mode = MODES.get(m);
      boolean modeSettled = false;
      try (MeshStack stack = MeshStack.open(infra, KEY + "-" + mode.name().toLowerCase(Locale.ROOT))) {
        stack.startWorkers(o, mode, false);
        long deadline = System.nanoTime() + share; // the time limit counts rounds, not starting the stack
        int done = 0;
        int rounds = 0;
        while (rounds < MIN_ROUNDS || System.nanoTime() < deadline) {
          long roundStart = System.nanoTime();
          long compiledBefore = jit.getTotalCompilationTime();
          int round = o.warmupTasks() * 2;
          stack.submit(round, o.submitThreads(), 1, WorkmeshScenarios::noOpTask);
          stack.submit(round, o.submitThreads(), Math.min(o.submitBatch(), round), WorkmeshScenarios::noOpTask);
          done += 2 * round;
          stack.awaitCompletions(done);
          long compiled = jit.getTotalCompilationTime() - compiledBefore;
          long wallMs = (System.nanoTime() - roundStart) / 1_000_000;
          compileMs.add(compiled);
          rounds++;
          progress.accept(String.format(Locale.ROOT,
              "   jit warm-up (%s claims) round %d: %d tasks in %d ms, %d ms compiling", mode, rounds, 2 * round,
              wallMs, compiled));
          if (rounds >= MIN_ROUNDS && compiled < SETTLED_SHARE * wallMs) {
            modeSettled = true;
            break;
          }
        }
        settled &= modeSettled;
        tasks += done;
        audit = audit.plus(stack.audit());
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("why", "not measured: runs Workmesh's path until the JIT has compiled it, as in a mesh that has"
        + " been serving for a while; rounds of single and batched submits with batched claims, then with"
        + " one-record-per-poll claims, each mode until a round spends under 3% of its time compiling");
    details.put("compile_ms_by_round", compileMs);
    details.put("settled", settled);
    details.put("limit_seconds", o.jitWarmupSeconds());
    return new ScenarioResult(KEY, "JIT warm-up (not measured)", tasks, seconds, ScenarioResult.rate(tasks, seconds),
        null, audit, details);
  }
}
