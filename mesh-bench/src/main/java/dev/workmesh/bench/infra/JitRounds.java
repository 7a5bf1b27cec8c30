package dev.workmesh.bench.infra;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs rounds of work until the JIT has settled: until a round spends under {@link #SETTLED_SHARE} of its
 * wall time compiling (the JVM's own compilation clock, summed over its compiler threads), after at least
 * one round, with no round begun once the time limit is up. How the benchmark warms a path before it
 * measures it, the state of a service that has served for a while.
 */
public final class JitRounds {

  /** A round that spends less than this share of its wall time compiling ends the warm-up. */
  public static final double SETTLED_SHARE = 0.05;

  /** One round of the work that warms the path. */
  public interface Round {
    void run() throws InterruptedException;
  }

  /**
   * How the rounds went: the compile and wall milliseconds of each, and whether the last one settled.
   */
  public record Outcome(List<Long> compileMsByRound, List<Long> wallMsByRound, boolean settled) {
    public int rounds() {
      return compileMsByRound.size();
    }
  }

  private JitRounds() {}

  public static Outcome run(Duration limit, Round round) throws InterruptedException {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long deadline = System.nanoTime() + limit.toNanos();
    List<Long> compileMs = new ArrayList<>();
    List<Long> wallMs = new ArrayList<>();
    boolean settled = false;
    while (!settled && (compileMs.isEmpty() || System.nanoTime() < deadline)) {
      long compiledBefore = jit.getTotalCompilationTime();
      long t0 = System.nanoTime();
      round.run();
      long wall = (System.nanoTime() - t0) / 1_000_000;
      long compiled = jit.getTotalCompilationTime() - compiledBefore;
      compileMs.add(compiled);
      wallMs.add(wall);
      settled = compiled < SETTLED_SHARE * wall;
    }
    return new Outcome(List.copyOf(compileMs), List.copyOf(wallMs), settled);
  }
}
