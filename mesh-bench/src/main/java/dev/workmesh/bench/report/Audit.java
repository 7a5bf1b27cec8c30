package dev.workmesh.bench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The exactly-once audit of one scenario, read back from the database (and, for db-scheduler, from the
 * executions its handler counted).
 *
 * @param expected tasks handed to the system under test
 * @param exactlyOnce tasks that ran and completed exactly once, as their own records say
 * @param duplicates tasks that were claimed, executed or completed more than once
 * @param lost tasks that never completed, or that the system has no record of
 * @param problems what else looked wrong (unexpected extra tasks, a leftover row), in words
 */
public record Audit(long expected, long exactlyOnce, long duplicates, long lost, List<String> problems) {

  public Audit {
    problems = List.copyOf(problems);
  }

  public boolean clean() {
    return duplicates == 0 && lost == 0 && exactlyOnce == expected && problems.isEmpty();
  }

  /** Two audits as one: the sums, and both lists of problems. */
  public Audit plus(Audit other) {
    List<String> all = new ArrayList<>(problems);
    all.addAll(other.problems);
    return new Audit(expected + other.expected, exactlyOnce + other.exactlyOnce, duplicates + other.duplicates,
        lost + other.lost, all);
  }

  /** A short verdict for the table. */
  public String verdict() {
    return clean() ? "ok " + exactlyOnce + "/" + expected
        : "FAIL dup=" + duplicates + " lost=" + lost
            + (problems.isEmpty() ? "" : " (" + problems.size() + " problems)");
  }
}
