package dev.workmesh.bench.mesh;

import dev.workmesh.bench.BenchOptions;
import dev.workmesh.bench.infra.BenchInfra;
import dev.workmesh.bench.infra.JitRounds;
import dev.workmesh.bench.report.Audit;
import dev.workmesh.bench.report.ScenarioResult;
import java.time.Duration;
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
 * <p>{@link JitRounds} of single submits (from the submit threads) and batched submits run through
 * task-workers with the in-process runtime, on a stack of their own, first with batched claims, then with
 * one-record-per-poll claims, each mode with half of {@code --jit-warmup} seconds (counted from its stack's
 * start). Its tasks are audited like any scenario's, and it is reported as a row of its own (no ratio).
 */
public final class JitWarmup {

  public static final String KEY = "jit-warmup";

  private JitWarmup() {}

  public static ScenarioResult run(BenchInfra infra, BenchOptions o, Consumer<String> progress)
      throws InterruptedException {
    long start = System.nanoTime();
    Duration share = Duration.ofSeconds(o.jitWarmupSeconds()).dividedBy(BenchWorkers.Mode.values().length);
    List<Long> compileMs = new ArrayList<>();
    long tasks = 0;
    boolean settled = true;
    Audit audit = new Audit(0, 0, 0, 0, List.of());
    for (BenchWorkers.Mode mode : BenchWorkers.Mode.values()) {
      try (MeshStack stack = MeshStack.open(infra, KEY + "-" + mode.name().toLowerCase(Locale.ROOT))) {
        stack.startWorkers(o, mode, false);
        int round = o.warmupTasks() * 2;
        long[] done = {0};
        JitRounds.Outcome outcome = JitRounds.run(share, () -> {
          stack.submit(round, o.submitThreads(), 1, WorkmeshScenarios::noOpTask);
          stack.submit(round, o.submitThreads(), Math.min(o.submitBatch(), round), WorkmeshScenarios::noOpTask);
          done[0] += 2L * round;
          stack.awaitCompletions(done[0]);
        });
        progress.accept(String.format(Locale.ROOT, "   jit warm-up, %s claims: %d rounds of %d tasks, ms compiling"
            + " per round %s, ms per round %s%s", mode, outcome.rounds(), 2 * round, outcome.compileMsByRound(),
            outcome.wallMsByRound(), outcome.settled() ? "" : " (not settled)"));
        compileMs.addAll(outcome.compileMsByRound());
        settled &= outcome.settled();
        tasks += done[0];
        audit = audit.plus(stack.audit());
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("why", "not measured: runs Workmesh's path until the JIT has compiled it, as in a mesh that has"
        + " been serving for a while; rounds of single and batched submits with batched claims, then with"
        + " one-record-per-poll claims, each mode until a round spends under 5% of its time compiling");
    details.put("compile_ms_by_round", compileMs);
    details.put("settled", settled);
    details.put("limit_seconds", o.jitWarmupSeconds());
    return new ScenarioResult(KEY, "JIT warm-up (not measured)", tasks, seconds, ScenarioResult.rate(tasks, seconds),
        null, audit, details);
  }
}
