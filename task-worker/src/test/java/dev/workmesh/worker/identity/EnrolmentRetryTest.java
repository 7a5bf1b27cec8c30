package dev.workmesh.worker.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.workmesh.worker.config.TaskWorkerProperties;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Start-up waits for mesh-api: an outage (no connection, 5xx, 429) is tried again with a doubling wait,
 * on the next replica each time, until the identity is resolved or the worker stops; an answer ends it.
 * Two loopback replicas answer the agent heartbeat that verifies a configured identity.
 */
class EnrolmentRetryTest {

  private static final UUID AGENT = UUID.randomUUID();

  @TempDir Path dataDir;

  private final List<HttpServer> replicas = new ArrayList<>();
  /** The replica (0 or 1) each heartbeat reached, in order. */
  private final ConcurrentLinkedQueue<Integer> reached = new ConcurrentLinkedQueue<>();
  private final AtomicInteger calls = new AtomicInteger();

  @AfterEach
  void stopReplicas() {
    replicas.forEach(r -> r.stop(0));
  }

  @Test
  void theIdentityIsResolvedOnceTheApiAnswersAfterOutagesTryingTheReplicasInTurn() {
    List<String> urls = replicas(call -> switch (call) {
      case 1 -> 503;
      case 2 -> 429;
      case 3 -> 502;
      default -> 200;
    });
    EnrolmentRetry retry = new EnrolmentRetry(urls, Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMillis(40));
    AgentEnrolment enrolment = enrolment(urls, retry);

    Optional<AgentIdentity> identity = retry.untilReachable(() -> enrolment.resolve(List.of("bash")), () -> false);

    assertThat(identity).map(AgentIdentity::agentId).contains(AGENT);
    assertThat(reached).containsExactly(0, 1, 0, 1);
  }

  @Test
  void anAnswerThatIsNoOutageEndsTheWaitAtOnce() {
    List<String> urls = replicas(call -> 403);
    EnrolmentRetry retry = new EnrolmentRetry(urls, Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMillis(40));
    AgentEnrolment enrolment = enrolment(urls, retry);

    assertThatThrownBy(() -> retry.untilReachable(() -> enrolment.resolve(List.of("bash")), () -> false))
        .isInstanceOf(IdentityRejectedException.class)
        .hasMessageContaining("refused agent " + AGENT);
    assertThat(reached).containsExactly(0);
  }

  @Test
  void itKeepsTryingWhileTheApiIsDownUntilTheWorkerStops() throws Exception {
    List<String> urls = replicas(call -> 503);
    EnrolmentRetry retry = new EnrolmentRetry(urls, Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMillis(40));
    AgentEnrolment enrolment = enrolment(urls, retry);
    AtomicBoolean stopped = new AtomicBoolean();
    CompletableFuture<Optional<AgentIdentity>> result = new CompletableFuture<>();
    Thread start = Thread.ofPlatform().start(() -> result.complete(retry.untilReachable(() -> enrolment.resolve(List.of()), stopped::get)));

    await("ten tries").atMost(Duration.ofSeconds(30)).until(() -> calls.get() >= 10);
    assertThat(result).isNotDone();
    stopped.set(true);
    start.interrupt();

    assertThat(result.get(10, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void theWaitDoublesFromOneSecondUpToThirtySeconds() {
    EnrolmentRetry retry = new EnrolmentRetry(List.of("http://mesh"), Duration.ofSeconds(5));

    List<Duration> waits = new ArrayList<>();
    for (int attempt = 1; attempt <= 8; attempt++) {
      waits.add(retry.backoffAfter(attempt));
    }

    assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
        Duration.ofSeconds(16), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));
  }

  private AgentEnrolment enrolment(List<String> urls, EnrolmentRetry retry) {
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put("task-worker.api-url", String.join(",", urls));
    keys.put("task-worker.agent-id", AGENT.toString());
    keys.put("task-worker.agent-token", "wm_agent_test");
    keys.put("task-worker.data-dir", dataDir.toString());
    TaskWorkerProperties properties =
        new Binder(new MapConfigurationPropertySource(keys)).bind("task-worker", Bindable.of(TaskWorkerProperties.class)).get();
    return new AgentEnrolment(properties, new IdentityStore(dataDir.resolve("identity.json")), retry::client);
  }

  /** Two replicas sharing one sequence of answers: {@code statusOfCall} maps the n-th heartbeat (from 1) to its status. */
  private List<String> replicas(IntUnaryOperator statusOfCall) {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      int replica = i;
      try {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext("/work/agents/" + AGENT + "/heartbeat", exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            reached.add(replica);
            int status = statusOfCall.applyAsInt(calls.incrementAndGet());
            byte[] body = (status == 200 ? "{\"id\":\"" + AGENT + "\",\"max_concurrency\":1}"
                : "{\"type\":\"about:blank\",\"title\":\"stub\",\"status\":" + status + ",\"detail\":\"stub answer\"}")
                .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "application/problem+json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
          }
        });
        server.start();
        replicas.add(server);
        urls.add("http://127.0.0.1:" + server.getAddress().getPort());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return urls;
  }
}
