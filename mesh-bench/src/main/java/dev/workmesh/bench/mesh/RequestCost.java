package dev.workmesh.bench.mesh;

import dev.workmesh.bench.BenchOptions;
import dev.workmesh.bench.infra.BenchInfra;
import dev.workmesh.bench.infra.CpuMeter;
import dev.workmesh.bench.infra.JitRounds;
import dev.workmesh.bench.report.Audit;
import dev.workmesh.bench.report.ScenarioResult;
import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.AgentRequest;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.CompleteRequest;
import dev.workmesh.client.model.HeartbeatsRequest;
import dev.workmesh.client.model.TaskView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one request costs mesh-api in CPU, by kind: a single submit, a claim of one ready task by id (as
 * task-worker sends it), a batch heartbeat of one claim, a GET of the task, and a report of its attempt (a
 * completion alone, as task-worker sends one that no other report joins: {@code Prefer: return=minimal}).
 * No task-worker runs, so only these requests reach mesh-api; they are sent one after the other from one
 * platform thread over mesh-client's plain {@code HttpURLConnection} transport (keep-alive), so that no
 * client code runs on mesh-api's virtual-thread carriers. The JIT is warmed until a round of every kind
 * adds little compile time, then each kind is measured on its own in chunks: mesh-api's request threads
 * (virtual-thread carriers, Tomcat's and the JDK's pollers) and PostgreSQL's processes, per request.
 */
public final class RequestCost {

  public static final String KEY = "request-cost";

  /** The requests measured, in the order a task meets them. */
  public enum Kind {
    SUBMIT("submit"), CLAIM("claim"), HEARTBEAT("heartbeat"), GET("get"), REPORT("report");

    public final String key;

    Kind(String key) {
      this.key = key;
    }
  }

  /** Tasks that go through every kind before the CPU meter is read again. */
  private static final int CHUNK = 50;
  /** Requests of each kind per warm-up round: small enough that the warm-up stops soon after the JIT settles. */
  private static final int WARMUP_ROUND = 100;

  private final MeshStack stack;
  private final MeshClient operator;
  private final MeshClient agent;
  private final CpuMeter cpu;
  private final Map<Kind, Long> apiNanos = new EnumMap<>(Kind.class);
  private final Map<Kind, Long> postgresNanos = new EnumMap<>(Kind.class);
  private int taskNumber;

  private RequestCost(MeshStack stack, CpuMeter cpu) {
    this.stack = stack;
    this.cpu = cpu;
    this.operator = MeshClient.shortLived(stack.api.url(), stack.api.operatorToken());
    String token = stack.operator.enrol(new AgentRequest("bench-request-cost", List.of("default"), List.of(),
        List.of(NoOpRuntime.NAME), CHUNK, Map.of())).token();
    this.agent = MeshClient.shortLived(stack.api.url(), token);
  }

  /**
   * mesh-api's request CPU per request, by kind, and PostgreSQL's alongside, over {@code --tasks} requests of
   * each kind (each task goes through all five, so the result's tasks/s is tasks through every kind).
   */
  public static ScenarioResult run(BenchInfra infra, BenchOptions o) throws InterruptedException {
    int requests = o.meshTasks();
    try (MeshStack stack = MeshStack.open(infra, KEY)) {
      RequestCost cost = new RequestCost(stack, infra.cpu());
      int warmupRound = Math.min(requests, WARMUP_ROUND);
      JitRounds.Outcome warmup = JitRounds.run(Duration.ofSeconds(o.jitWarmupSeconds()),
          () -> cost.rounds(warmupRound, false));
      cost.apiNanos.clear();
      cost.postgresNanos.clear();
      long start = System.nanoTime();
      cost.rounds(requests, true);
      double seconds = (System.nanoTime() - start) / 1e9;
      Audit audit = stack.audit();

      Map<String, Object> details = new LinkedHashMap<>();
      details.put("requests_per_kind", requests);
      details.put("mesh_api_cpu_ms_per_request", perRequest(cost.apiNanos, requests));
      details.put("postgresql_cpu_ms_per_request", perRequest(cost.postgresNanos, requests));
      details.put("warmup", Map.of("requests_per_kind_per_round", warmupRound, "compile_ms_by_round",
          warmup.compileMsByRound(), "settled", warmup.settled()));
      details.put("client_errors", stack.ledger.errors());
      details.put("history_before", stack.history);
      details.put("how", "one platform thread sends the requests one after the other over one keep-alive connection per"
          + " client; no task-worker runs. mesh-api's CPU is its virtual-thread carriers, Tomcat's threads and the"
          + " JDK's virtual-thread pollers; PostgreSQL's includes the outbox relay's statements that publish the"
          + " events these requests wrote.");
      return new ScenarioResult(KEY, "mesh-api CPU per request, by kind", requests, seconds,
          ScenarioResult.rate(requests, seconds), null, audit, details);
    }
  }

  /** mesh-api's CPU per request of this kind in ms, from a {@code request-cost} result's details. */
  @SuppressWarnings("unchecked")
  public static Double apiMillis(ScenarioResult r, Kind kind) {
    Object perKind = r.details().get("mesh_api_cpu_ms_per_request");
    return perKind instanceof Map<?, ?> m ? (Double) ((Map<String, Object>) m).get(kind.key) : null;
  }

  private void rounds(int requests, boolean measured) {
    for (int done = 0; done < requests; done += CHUNK) {
      chunk(Math.min(CHUNK, requests - done), measured);
    }
  }

  /** {@code n} tasks through every kind, one kind at a time, each kind's requests between two meter readings. */
  private void chunk(int n, boolean measured) {
    List<TaskView> tasks = new ArrayList<>(n);
    List<ClaimView> claims = new ArrayList<>(n);
    timed(Kind.SUBMIT, measured, () -> {
      for (int i = 0; i < n; i++) {
        long sent = System.nanoTime();
        TaskView task = operator.submit(stack.missionId, WorkmeshScenarios.noOpTask(taskNumber++)).task();
        stack.record(task, sent);
        tasks.add(task);
      }
    });
    timed(Kind.CLAIM, measured, () -> {
      for (TaskView task : tasks) {
        List<ClaimView> won = agent.claimTasks(List.of(task.id()));
        if (won.size() != 1) {
          throw new IllegalStateException("the claim of ready task " + task.id() + " won " + won.size() + " claims");
        }
        stack.ledger.claimed(task.id(), System.nanoTime());
        claims.add(won.getFirst());
      }
    });
    timed(Kind.HEARTBEAT, measured, () -> claims.forEach(c ->
        expectOne(agent.heartbeatAll(List.of(new HeartbeatsRequest.Claim(c.task().id(), c.claimToken()))), c)));
    timed(Kind.GET, measured, () -> tasks.forEach(t -> agent.task(t.id())));
    timed(Kind.REPORT, measured, () -> claims.forEach(c ->
        agent.completeMinimal(c.task().id(), new CompleteRequest(c.claimToken(), null, 0, null))));
  }

  private static void expectOne(List<?> results, ClaimView claim) {
    if (results.size() != 1) {
      throw new IllegalStateException("one request for task " + claim.task().id() + " answered " + results.size());
    }
  }

  private void timed(Kind kind, boolean measured, Runnable requests) {
    CpuMeter.Snapshot before = measured ? cpu.take() : null;
    requests.run();
    if (measured) {
      CpuMeter.Snapshot after = cpu.take();
      apiNanos.merge(kind, delta(before, after, CpuMeter.MESH_API_HTTP), Long::sum);
      postgresNanos.merge(kind, delta(before, after, CpuMeter.POSTGRES), Long::sum);
    }
  }

  private static long delta(CpuMeter.Snapshot before, CpuMeter.Snapshot after, String group) {
    return Math.max(0, after.cpuNanos().getOrDefault(group, 0L) - before.cpuNanos().getOrDefault(group, 0L));
  }

  private static Map<String, Double> perRequest(Map<Kind, Long> nanos, int requests) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Kind kind : Kind.values()) {
      out.put(kind.key, Math.round(nanos.getOrDefault(kind, 0L) / 1e3 / requests) / 1000.0);
    }
    return out;
  }
}
