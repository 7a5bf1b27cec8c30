package dev.workmesh.bench;

import dev.workmesh.bench.infra.BenchInfra;
import dev.workmesh.bench.report.BenchReport;
import dev.workmesh.bench.report.ResultsJson;
import dev.workmesh.bench.report.ResultsTable;
import java.util.List;

/**
 * {@code mesh-bench [--quick]}: starts an embedded PostgreSQL and Kafka, runs every scenario against them
 * (raw SKIP LOCKED baseline, db-scheduler, Workmesh queue and subagent paths, latency at a fixed rate),
 * prints the results table and writes them as JSON. Exits 1 when an exactly-once audit failed, 2 on bad
 * arguments; missed performance targets are reported, not fatal.
 */
public final class MeshBench {

  private MeshBench() {}

  public static void main(String[] args) throws Exception {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.print(BenchOptions.USAGE);
      return;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("mesh-bench: " + e.getMessage());
      System.err.print(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    System.out.println("mesh-bench: " + options.profile() + " profile, W=" + options.workers()
        + "; starting embedded PostgreSQL and Kafka ...");
    BenchReport report;
    long t0 = System.nanoTime();
    try (BenchInfra infra = BenchInfra.start()) {
      report = BenchRun.run(options, infra, System.out::println);
    }
    System.out.println();
    System.out.print(ResultsTable.render(report));
    ResultsJson.write(report, options.out());
    System.out.printf("%nresults written to %s (whole run %.0f s)%n", options.out().toAbsolutePath().normalize(),
        (System.nanoTime() - t0) / 1e9);
    System.exit(report.auditsClean() ? 0 : 1);
  }
}
