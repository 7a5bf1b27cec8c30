package dev.workmesh.bench.report;

import java.util.Map;

/**
 * What one scenario measured.
 *
 * @param key stable identifier (raw-batched, queue-single, ...)
 * @param name what it is, for the table
 * @param tasks tasks in the measured window (warm-up excluded)
 * @param seconds length of the measured window
 * @param tasksPerSecond tasks / seconds
 * @param latency submit-to-claim latency; null where not measured
 * @param audit exactly-once audit over every task of the scenario, warm-up included
 * @param details what else helps to read the figure (submit rate, pulls, stale hints, ...)
 */
public record ScenarioResult(
    String key,
    String name,
    long tasks,
    double seconds,
    double tasksPerSecond,
    LatencySummary latency,
    Audit audit,
    Map<String, Object> details) {

  public static double rate(long tasks, double seconds) {
    return seconds <= 0 ? 0 : tasks / seconds;
  }
}
