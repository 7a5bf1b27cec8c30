package dev.workmesh.bench.report;

import java.util.Locale;
import java.util.Map;

/** The report as a plain-text table (also valid Markdown), for the terminal and the README. */
public final class ResultsTable {

  private ResultsTable() {}

  public static String render(BenchReport report) {
    StringBuilder out = new StringBuilder();
    out.append("mesh-bench ").append(report.settings().get("profile")).append(" profile, ")
        .append(report.startedAt()).append(", ").append(report.machine().get("cores")).append(" cores, load ")
        .append(report.machine().get("load_average_before")).append(" -> ")
        .append(report.machine().get("load_average_after")).append(", W=").append(report.settings().get("workers"))
        .append("\n\n");
    out.append("| scenario | tasks | seconds | tasks/s | / raw 100/tx | / raw 1/tx | / db-scheduler | p50 ms | p99 ms"
        + " | max ms | audit |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (ScenarioResult r : report.results()) {
      Map<String, Double> ratio = report.ratios().getOrDefault(r.key(), Map.of());
      LatencySummary l = r.latency();
      out.append("| ").append(r.name())
          .append(" | ").append(r.tasks())
          .append(" | ").append(fmt("%.2f", r.seconds()))
          .append(" | ").append(fmt("%.0f", r.tasksPerSecond()))
          .append(" | ").append(ratio.containsKey("raw_batched") ? fmt("%.3g", ratio.get("raw_batched")) : "")
          .append(" | ").append(ratio.containsKey("raw_single") ? fmt("%.3g", ratio.get("raw_single")) : "")
          .append(" | ").append(ratio.containsKey("db_scheduler") ? fmt("%.3gx", ratio.get("db_scheduler")) : "")
          .append(" | ").append(l == null ? "" : fmt("%.1f", l.p50Ms()))
          .append(" | ").append(l == null ? "" : fmt("%.1f", l.p99Ms()))
          .append(" | ").append(l == null ? "" : fmt("%.1f", l.maxMs()))
          .append(" | ").append(r.audit().verdict())
          .append(" |\n");
    }
    out.append("\n| target | goal | measured | verdict |\n|---|---|---|---|\n");
    for (Target t : report.targets()) {
      out.append("| ").append(t.name()).append(" | ").append(t.goal()).append(" | ").append(t.measured())
          .append(" | ").append(t.verdict()).append(" |\n");
    }
    out.append('\n');
    for (String note : report.notes()) {
      out.append("- ").append(note).append('\n');
    }
    if (report.scaling() != null) {
      out.append('\n').append(scaling(report.scaling()));
    }
    return out.toString();
  }

  /** The scaling sweep: one row per point, drain and batched submit with their ratios and CPU per task. */
  public static String scaling(ScalingReport sweep) {
    StringBuilder out = new StringBuilder();
    out.append("| W | P | R | db-scheduler tasks/s | drain tasks/s | / db-scheduler | CPU ms/task | PostgreSQL"
        + " | batched tasks/s | / db-scheduler | CPU ms/task | PostgreSQL | served per replica (claims) | audits |\n");
    out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    for (ScalingReport.Point p : sweep.points()) {
      ScalingReport.Run d = p.drain();
      ScalingReport.Run b = p.batched();
      out.append("| ").append(p.workers())
          .append(" | ").append(d.pooledTopicPartitions())
          .append(" | ").append(p.replicas())
          .append(" | ").append(fmt("%.0f", sweep.dbScheduler().get(p.workers()).tasksPerSecond()))
          .append(run(d)).append(run(b))
          .append(" | ").append(claimsPerReplica(d)).append(" / ").append(claimsPerReplica(b))
          .append(" | ").append(d.audit().clean() && b.audit().clean() ? "ok"
              : d.audit().verdict() + "; " + b.audit().verdict())
          .append(" |\n");
    }
    out.append('\n');
    for (String note : sweep.notes()) {
      out.append("- ").append(note).append('\n');
    }
    return out.toString();
  }

  private static String run(ScalingReport.Run r) {
    return " | " + fmt("%.0f", r.tasksPerSecond()) + " | " + fmt("%.3gx", r.overDbScheduler())
        + " | " + fmt("%.2f", r.cpuMsPerTask().getOrDefault("total", 0.0))
        + " | " + fmt("%.0f%%", 100 * r.postgresShare());
  }

  private static String claimsPerReplica(ScalingReport.Run r) {
    return String.join("+", r.servedByReplica().stream().map(s -> String.valueOf(s.getOrDefault("claimed", 0L)))
        .toList());
  }

  private static String fmt(String pattern, double v) {
    return String.format(Locale.ROOT, pattern, v);
  }
}
