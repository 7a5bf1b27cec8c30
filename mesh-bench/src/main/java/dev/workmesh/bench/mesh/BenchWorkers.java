package dev.workmesh.bench.mesh;

import dev.workmesh.core.loop.LoopMetrics;
import dev.workmesh.worker.TaskWorker;
import dev.workmesh.worker.config.TaskWorkerProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * W task-workers, the product's own {@link TaskWorker}, each enrolled as an agent of its own, consuming
 * the scenario's pool share group and reporting to the scenario's mesh-api, configured with the keys an
 * operator writes. The queue scenarios give them the in-process {@link NoOpRuntime}; the subagent scenario
 * lets them spawn processes with the {@code exec} runtime.
 */
final class BenchWorkers implements AutoCloseable {

  /** How the workers claim and report. */
  enum Mode {
    /** The defaults: a poll's records claimed in one request, reports and heartbeats coalesced. */
    BATCHED,
    /** One record per poll, one claim and one report request per task. */
    PER_TASK
  }

  private final List<TaskWorker> workers = new ArrayList<>();
  private final List<SimpleMeterRegistry> registries = new ArrayList<>();
  private final List<UUID> agentIds = new ArrayList<>();
  private final Path dataDir;

  private BenchWorkers(Path dataDir) {
    this.dataDir = dataDir;
  }

  /**
   * Starts {@code count} workers of {@code slots} slots each and waits until every one claims work. With
   * several mesh-api replicas, worker i starts on replica i mod R ({@link MeshTopology#apiUrlFor}).
   *
   * @param noOp the in-process runtime (the only one offered; the queue scenarios' tasks name it), or null
   */
  static BenchWorkers start(List<String> apiUrls, String operatorToken, String bootstrapServers, String topicPrefix,
      int count, int slots, int pollRecords, Mode mode, NoOpRuntime noOp) {
    BenchWorkers started;
    try {
      started = new BenchWorkers(Files.createTempDirectory("mesh-bench-workers"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the workers' data directory", e);
    }
    try {
      for (int i = 0; i < count; i++) {
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("api-url", MeshTopology.apiUrlFor(i, apiUrls));
        keys.put("enrolment-token", operatorToken);
        keys.put("node-name", "bench-worker-" + i);
        keys.put("data-dir", started.dataDir.resolve("worker-" + i).toString());
        keys.put("max-concurrent-subagents", String.valueOf(slots));
        keys.put("topic-prefix", topicPrefix);
        keys.put("runtimes", noOp == null ? "exec" : NoOpRuntime.NAME);
        keys.put("shutdown-grace", "5s");
        if (mode == Mode.PER_TASK) {
          keys.put("poll-records", "1");
          keys.put("batch-max", "1");
        } else {
          keys.put("poll-records", String.valueOf(Math.min(pollRecords, slots)));
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TaskWorker worker = new TaskWorker(bind(keys), Map.of("bootstrap.servers", bootstrapServers), registry);
        if (noOp != null) {
          worker.withInProcessRuntime(NoOpRuntime.NAME, noOp);
        }
        started.workers.add(worker);
        started.registries.add(registry);
        worker.start();
      }
      for (TaskWorker worker : started.workers) {
        started.agentIds.add(worker.start().get(120, TimeUnit.SECONDS).agentId());
      }
      return started;
    } catch (Exception e) {
      started.close();
      throw new IllegalStateException("the bench's task-workers did not start: " + e, e);
    }
  }

  private static TaskWorkerProperties bind(Map<String, ?> keys) {
    Map<String, Object> prefixed = new LinkedHashMap<>();
    keys.forEach((k, v) -> prefixed.put("task-worker." + k, v));
    return new Binder(new MapConfigurationPropertySource(prefixed))
        .bind("task-worker", Bindable.of(TaskWorkerProperties.class)).get();
  }

  /** Each worker's agent, in the order the workers were started. */
  List<UUID> agentIds() {
    return List.copyOf(agentIds);
  }

  /** Reports the workers' API accepted, over all workers: tasks done. */
  long completions() {
    long done = 0;
    for (SimpleMeterRegistry registry : registries) {
      for (Counter c : registry.find("workmesh.worker.reports").tag("result", "delivered").counters()) {
        done += (long) c.count();
      }
    }
    return done;
  }

  /**
   * What the workers did, from their own meters: claims by source and result, requests' batch sizes,
   * records a poll brought that found no free slot (released to the group), errors.
   */
  Map<String, Object> summary() {
    Map<String, Double> claims = new TreeMap<>();
    Map<String, Double> reports = new TreeMap<>();
    Map<String, Map<String, Double>> batches = new TreeMap<>();
    double errors = 0;
    double surplus = 0;
    for (SimpleMeterRegistry registry : registries) {
      for (Counter c : registry.find("workmesh.worker.records.surplus").counters()) {
        surplus += c.count();
      }
      for (Counter c : registry.find("workmesh.worker.claims").counters()) {
        claims.merge(c.getId().getTag("source") + "_" + c.getId().getTag("result"), c.count(), Double::sum);
      }
      for (Counter c : registry.find("workmesh.worker.reports").counters()) {
        reports.merge(c.getId().getTag("kind") + "_" + c.getId().getTag("result"), c.count(), Double::sum);
      }
      for (DistributionSummary s : registry.find("workmesh.worker.batch.size").summaries()) {
        Map<String, Double> b = batches.computeIfAbsent(s.getId().getTag("kind"), k -> new TreeMap<>());
        b.merge("requests", (double) s.count(), Double::sum);
        b.merge("items", s.totalAmount(), Double::sum);
      }
      for (Counter c : registry.find(LoopMetrics.RUNS).tag("outcome", "error").counters()) {
        errors += c.count();
      }
    }
    batches.values().forEach(b -> b.put("mean_items", b.get("requests") == 0 ? 0
        : Math.round(100 * b.get("items") / b.get("requests")) / 100.0));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("claims", claims);
    out.put("reports", reports);
    out.put("batched_requests", batches);
    out.put("records_released_for_lack_of_a_slot", surplus);
    out.put("loop_errors", errors);
    return out;
  }

  @Override
  public void close() {
    workers.forEach(TaskWorker::stop);
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is not worth failing the run over
    }
  }
}
