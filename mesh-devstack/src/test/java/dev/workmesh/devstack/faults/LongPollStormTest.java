package dev.workmesh.devstack.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.AgentRequest;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.MissionView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storm of long-polls on one mesh-api: {@value #AGENTS} agents hold {@code fault.storm.claims} (1,000 by
 * default; the target is 10,000, {@code -Dfault.storm.claims=10000}, on a machine not shared with other builds)
 * waiting claims ({@code POST /work/claims} with {@code wait_seconds}) between them while nothing is ready.
 * mesh-api runs in a JVM of its own, with the heap a deployment of that many waiters needs ({@link #jvmFor}); the
 * test's JVM holds the client connections (each process may open 20,000 files here). The test measures what a
 * waiter costs and what the storm does to everyone else: how late each claim is answered against its wait, the
 * server's heap per waiting claim (live heap after a full GC while every claim waits, less the same before the
 * storm), and the latency of plain {@code GET /work/missions/{id}} requests (which need the database) sent one
 * after another during the storm.
 */
@ExtendWith(FaultSummaryExtension.class)
class LongPollStormTest {

  static final int CLAIMS = Integer.getInteger("fault.storm.claims", 1_000);
  static final int WAIT_SECONDS = Integer.getInteger("fault.storm.wait-seconds", 10);
  /**
   * Claims are sent over this long, as agents arriving (5 s by default, {@code fault.storm.ramp-seconds}); with a
   * ramp shorter than the wait, every one of them waits at once at the end.
   */
  static final Duration RAMP = Duration.ofSeconds(Integer.getInteger("fault.storm.ramp-seconds", 5));
  static final int AGENTS = 100;
  /** HTTP clients the claims are spread over ({@link #stormClients}). */
  static final int STORM_CLIENTS = 8;
  /**
   * Whether the timing targets are asserted too (every answer within its wait + 1 s, plain GETs at p99 under
   * 100 ms, every claim waiting at once); off by default, since a build machine shared with other builds
   * starves the server of CPU. The figures are printed in the fault summary either way.
   */
  static final boolean STRICT_TIMING = Boolean.getBoolean("fault.storm.strict-timing");
  /** More options for the child mesh-api's JVM, space-separated, after {@link #jvmFor}'s (to compare, say). */
  static final List<String> JVM_OPTIONS =
      List.of(System.getProperty("fault.storm.jvm-options", "").trim().split("\\s+")).stream().filter(o -> !o.isEmpty()).toList();

  @TempDir Path dir;
  FaultStack stack;
  Process api;

  @AfterEach
  void stop() throws Exception {
    if (java.nio.file.Files.exists(dir.resolve("mesh-api.log"))) {
      java.nio.file.Files.copy(dir.resolve("mesh-api.log"), Path.of("target/storm-mesh-api.log"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    if (java.nio.file.Files.exists(dir.resolve("mesh-api-gc.log"))) {
      java.nio.file.Files.copy(dir.resolve("mesh-api-gc.log"), Path.of("target/storm-mesh-api-gc.log"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    if (api != null) {
      api.destroy();
      if (!api.waitFor(30, TimeUnit.SECONDS)) {
        api.destroyForcibly();
      }
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void tenThousandWaitingClaimsAreAnsweredWithinTheirWaitAndPlainRequestsStayFast() throws Exception {
    FaultLedger.Scenario scenario = FaultLedger.global().scenario("storm of " + CLAIMS + " long-poll claims");
    stack = FaultStack.start(dir, scenario);
    int port = FaultStack.freePort();
    String url = "http://localhost:" + port;
    // Hikari's own connection timeout (30 s), not the suite's 2 s: a storm queues for connections, as deployed.
    List<String> jvm = new ArrayList<>(jvmFor(CLAIMS));
    jvm.addAll(JVM_OPTIONS);
    api = stack.startChildApi(port, jvm, Map.of("spring.datasource.hikari.connection-timeout", "30000"),
        dir.resolve("mesh-api.log"));
    await("the mesh-api child JVM answers").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
        .until(() -> !api.isAlive() || FaultStack.health(url) == 200);
    assertThat(api.isAlive()).as("mesh-api runs; its log: %s", dir.resolve("mesh-api.log")).isTrue();

    MeshClient operator = FaultStack.operator(url);
    MissionView mission = operator.createMission("storm", "long-polls while nothing is ready");
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < AGENTS; i++) {
      EnrolledAgent agent = operator.enrol(new AgentRequest("storm-" + i, List.of("storm"), List.of(), List.of(), 1,
          Map.of()));
      tokens.add(agent.token());
    }
    HttpClient probe = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest plainGet = HttpRequest.newBuilder(URI.create(url + "/work/missions/" + mission.id()))
        .header("Authorization", "Bearer " + FaultStack.OPERATOR_TOKEN).timeout(Duration.ofSeconds(60)).build();
    progress("mesh-api up, agents enrolled");
    warmUp(probe, url, tokens, plainGet);
    progress("warmed up");
    long[] baseline = plainGets(probe, plainGet, Duration.ofSeconds(3), new AtomicBoolean(true));
    long heapBefore = liveHeap(url);
    progress("baseline measured");

    List<HttpClient> storm = stormClients();
    ConcurrentLinkedQueue<Long> overshootMillis = new ConcurrentLinkedQueue<>();
    AtomicInteger answered = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean stormOn = new AtomicBoolean(true);
    CompletableFuture<long[]> duringStorm = CompletableFuture.supplyAsync(
        () -> plainGets(probe, plainGet, Duration.ofMinutes(5), stormOn));
    String body = "{\"wait_seconds\":" + WAIT_SECONDS + "}";
    long rampNanos = RAMP.toNanos();
    long stormStart = System.nanoTime();
    List<CompletableFuture<?>> calls = new ArrayList<>(CLAIMS);
    for (int i = 0; i < CLAIMS; i++) {
      long due = stormStart + rampNanos * i / CLAIMS;
      long early = due - System.nanoTime();
      if (early > 0) {
        TimeUnit.NANOSECONDS.sleep(early); // pacing the open-loop sender, not waiting for a condition
      }
      HttpRequest claim = HttpRequest.newBuilder(URI.create(url + "/work/claims"))
          .header("Authorization", "Bearer " + tokens.get(i % AGENTS)).header("Content-Type", "application/json")
          .timeout(Duration.ofSeconds(WAIT_SECONDS + 60)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
      long sent = System.nanoTime();
      calls.add(storm.get(i % storm.size()).sendAsync(claim, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
        long tookMillis = (System.nanoTime() - sent) / 1_000_000;
        if (error != null) {
          failures.add(error.toString());
        } else if (response.statusCode() != 200 || !response.body().contains("\"claims\":[]")) {
          failures.add(response.statusCode() + " " + response.body());
        } else {
          overshootMillis.add(tookMillis - WAIT_SECONDS * 1000L);
          answered.incrementAndGet();
        }
      }));
    }
    long sentAll = (System.nanoTime() - stormStart) / 1_000_000;
    progress("all " + CLAIMS + " claims sent in " + sentAll + " ms; waiting now: " + waiting(url));
    await("every claim of the storm waits, or the first is answered").atMost(Duration.ofSeconds(WAIT_SECONDS))
        .pollInterval(Duration.ofMillis(200)).until(() -> waiting(url) >= CLAIMS || !failures.isEmpty()
            || answered.get() > 0);
    progress("waiting: " + waiting(url) + ", answered: " + answered.get() + ", failures: " + failures.size());
    failures.stream().map(f -> f.length() > 160 ? f.substring(0, 160) : f)
        .collect(java.util.stream.Collectors.groupingBy(f -> f, java.util.stream.Collectors.counting()))
        .forEach((f, n) -> progress(n + " x " + f));
    double waitingWhenMeasured = waiting(url);
    long heapDuring = liveHeap(url); // a pause of seconds with 10,000 waiting, but before any wait runs out
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).exceptionally(e -> null)
        .get(WAIT_SECONDS + 120, TimeUnit.SECONDS);
    stormOn.set(false);
    long[] during = duringStorm.get(60, TimeUnit.SECONDS);

    long[] overshoot = overshootMillis.stream().mapToLong(Long::longValue).sorted().toArray();
    long heapPerWaiterBytes = (long) ((heapDuring - heapBefore) / Math.max(1, waitingWhenMeasured));
    scenario.figure("claims sent", CLAIMS + " by " + AGENTS + " agents over " + sentAll + " ms, wait_seconds "
        + WAIT_SECONDS);
    scenario.figure("answered 200 with no claim", answered.get() + ", failures " + failures.size());
    scenario.figure("answer time less the wait (ms)", "p50 " + percentile(overshoot, 50) + ", p99 "
        + percentile(overshoot, 99) + ", max " + percentile(overshoot, 100));
    scenario.figure("server heap per waiting claim", heapPerWaiterBytes / 1024 + " KiB (live heap after a full GC: "
        + heapBefore / 1_048_576 + " MiB before, " + heapDuring / 1_048_576 + " MiB with " + (long) waitingWhenMeasured
        + " waiting)");
    scenario.figure("plain GET latency (ms)", "before the storm p50 " + percentile(baseline, 50) + ", p99 "
        + percentile(baseline, 99) + " (" + baseline.length + " GETs); during it p50 " + percentile(during, 50)
        + ", p99 " + percentile(during, 99) + ", max " + percentile(during, 100) + " (" + during.length + " GETs)");
    scenario.verdict(0, 0, 0);

    assertThat(failures).as("claims that were not answered 200 with no claim").isEmpty();
    assertThat(answered.get()).isEqualTo(CLAIMS);
    assertThat(overshoot[0]).as("the earliest answer, against its wait (ms): a claim answered early did not wait")
        .isGreaterThanOrEqualTo(0);
    assertThat(waitingWhenMeasured).as("claims waiting when the heap was measured").isGreaterThan(0);
    assertThat(heapPerWaiterBytes).as("heap per waiting claim (bytes)").isLessThan(256 * 1024);
    if (STRICT_TIMING) { // the targets hold on a machine that is not shared; see docs/reliability.md
      assertThat(waitingWhenMeasured).as("claims waiting at once").isEqualTo(CLAIMS);
      assertThat(percentile(overshoot, 100)).as("the latest answer, past its wait (ms)").isLessThan(1000);
      assertThat(percentile(during, 99)).as("p99 of plain GETs during the storm (ms)").isLessThan(100);
    }
  }

  @Test
  void pastTheCeilingALongPollIsRefusedWith503AndRetryAfterInsteadOfQueueing() throws Exception {
    stack = FaultStack.start(dir, FaultLedger.unlisted("long-poll ceiling"));
    FaultStack.Service ceilingApi = stack.startApi("mesh-api", Map.of("mesh-api.long-poll.max-waiting", "3"));
    MeshClient operator = FaultStack.operator(ceilingApi.url());
    MissionView mission = operator.createMission("ceiling", "");
    String token = operator.enrol(new AgentRequest("ceiling", List.of("ceiling"), List.of(), List.of(), 1, Map.of()))
        .token();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest longPoll = HttpRequest.newBuilder(URI.create(ceilingApi.url() + "/work/claims"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"wait_seconds\":20,\"mission_id\":\"" + mission.id() + "\"}"))
        .build();
    List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(http.sendAsync(longPoll, HttpResponse.BodyHandlers.ofString()));
    }
    await("three long-polls wait").atMost(Duration.ofSeconds(15)).until(() -> waiting(ceilingApi.url()) == 3);

    HttpResponse<String> fourth = http.send(longPoll, HttpResponse.BodyHandlers.ofString());
    assertThat(fourth.statusCode()).as(fourth.body()).isEqualTo(503);
    assertThat(fourth.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    assertThat(fourth.headers().firstValue("Retry-After").map(Long::parseLong).orElse(0L)).isBetween(1L, 5L);
    assertThat(fourth.body()).contains("mesh-api.long-poll.max-waiting");
    HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create(ceilingApi.url() + "/work/claims"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(plain.statusCode()).as("a claim without wait_seconds is not held, so not refused: %s", plain.body())
        .isEqualTo(200);
    assertThat(held).allSatisfy(f -> assertThat(f).isNotDone());
  }

  /**
   * The child's heap, as docs/operations.md asks of a mesh-api that takes a burst of {@code claims} long-polls:
   * a young generation of 224 KiB per claim ({@code -Xmn}; a claim allocates about 130 KiB while it is taken in,
   * and eden is 80 % of the young generation), the heap that plus 512 MiB and at least 1 GiB, fixed
   * ({@code -Xms} = {@code -Xmx}). The waiters then die young: no collection copies them while they wait. With
   * G1's own sizing, each young collection during the burst copied every waiter taken in since the last one,
   * all live, and stopped the server for seconds in all.
   */
  static List<String> jvmFor(int claims) {
    long young = Math.max(256, claims * 224L / 1024);
    long heap = Math.max(1024, young + 512);
    return List.of("-Xms" + heap + "m", "-Xmx" + heap + "m", "-Xmn" + young + "m");
  }

  /**
   * The clients that send the storm: {@value #STORM_CLIENTS} of them, each with its own selector thread, and
   * their callbacks on virtual threads. One client drives every connection's I/O from one selector thread,
   * and its default executor starts a platform thread per concurrent callback, so with thousands of claims
   * answered within seconds of each other the client itself made answers late.
   */
  private static List<HttpClient> stormClients() {
    List<HttpClient> clients = new ArrayList<>();
    java.util.concurrent.ExecutorService callbacks = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
    for (int i = 0; i < STORM_CLIENTS; i++) {
      clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30))
          .executor(callbacks).build());
    }
    return clients;
  }

  private static void progress(String what) {
    System.out.println(java.time.LocalTime.now() + " storm: " + what);
  }

  /** Compiles the request paths of the server before anything is measured. */
  private static void warmUp(HttpClient http, String url, List<String> tokens, HttpRequest plainGet) throws Exception {
    for (int i = 0; i < 100; i++) {
      http.send(plainGet, HttpResponse.BodyHandlers.discarding());
      http.send(HttpRequest.newBuilder(URI.create(url + "/work/claims"))
          .header("Authorization", "Bearer " + tokens.get(i % tokens.size())).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(i % 20 == 0 ? "{\"wait_seconds\":1}" : "{}")).build(),
          HttpResponse.BodyHandlers.discarding());
    }
  }

  /** Sends plain GETs one after another, 20 ms apart, while {@code on} holds (at least once); their latencies in ms. */
  private static long[] plainGets(HttpClient http, HttpRequest get, Duration atMost, AtomicBoolean on) {
    List<Long> millis = new ArrayList<>();
    long end = System.nanoTime() + atMost.toNanos();
    try {
      do {
        long start = System.nanoTime();
        HttpResponse<Void> response = http.send(get, HttpResponse.BodyHandlers.discarding());
        millis.add((System.nanoTime() - start) / 1_000_000);
        if (response.statusCode() != 200) {
          throw new IllegalStateException("a plain GET got " + response.statusCode());
        }
        TimeUnit.MILLISECONDS.sleep(20); // pacing the probe, not waiting for a condition
      } while (on.get() && System.nanoTime() < end);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return millis.stream().mapToLong(Long::longValue).sorted().toArray();
  }

  /** The server's live heap: a full GC in its JVM ({@code jcmd GC.run}), then its heap in use. */
  private long liveHeap(String url) throws Exception {
    Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
    Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(api.pid()), "GC.run").redirectErrorStream(true)
        .start();
    String out = new String(gc.getInputStream().readAllBytes());
    assertThat(gc.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(gc.exitValue()).as(out).isZero();
    return (long) metric(url, "jvm_memory_used_bytes{area=\"heap\"");
  }

  private static double waiting(String url) {
    return metric(url, "mesh_claim_long_polls_waiting");
  }

  /** The sum of every series of the Prometheus scrape whose line starts with {@code prefix}. */
  private static double metric(String url, String prefix) {
    try {
      String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/actuator/prometheus"))
          .build(), HttpResponse.BodyHandlers.ofString()).body();
      return Arrays.stream(scrape.split("\n")).filter(l -> l.startsWith(prefix))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return -1;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
