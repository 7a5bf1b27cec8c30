package dev.workmesh.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.AgentRequest;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.MissionView;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping is bounded: with no attempt running, the dev stack stops within {@value #BOUND_SECONDS} s whatever
 * clients are connected, and within {@value #WITHOUT_POSTGRES_BOUND_SECONDS} s when PostgreSQL is already gone.
 */
class DevStackStopTest {

  static final int BOUND_SECONDS = 10;
  /**
   * Each service finds PostgreSQL gone within a second and closes its pool, and a request queued for a
   * connection gives up within the dev stack's 3 s connection timeout (measured on two busy cores: 6.9 s,
   * against 22 to 28 s with Hikari's 30 s timeout). The target is 10 s; the bound leaves room for a loaded
   * build machine.
   */
  static final int WITHOUT_POSTGRES_BOUND_SECONDS = 20;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dataDir;

  @Test
  void aStackWithAWaitingLongPollAnSseStreamAndAnMcpSessionStopsWithinTheBound() throws Exception {
    DevStack stack = new DevStack(options()).start(DevStack.Progress.silent());
    CompletableFuture<HttpResponse<String>> longPoll;
    CompletableFuture<HttpResponse<InputStream>> events;
    CompletableFuture<HttpResponse<InputStream>> mcpStream;
    try {
      MeshClient mesh = new MeshClient(stack.apiUrl(), stack.operatorTokenValue());
      MissionView mission = mesh.createMission("stop-test", "");
      EnrolledAgent idle = mesh.enrol(new AgentRequest("idle", List.of("nowhere"), List.of(), List.of("fake"), 1,
          Map.of()));
      longPoll = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/work/claims"))
          .header("Authorization", "Bearer " + idle.token()).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"wait_seconds\":60}")).build(),
          HttpResponse.BodyHandlers.ofString());
      events = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/work/missions/" + mission.id()
              + "/events")).header("Authorization", "Bearer " + stack.operatorTokenValue())
          .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      String session = initializeMcp(stack);
      mcpStream = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(stack.mcpUrl()))
          .header("Authorization", "Bearer " + stack.operatorTokenValue()).header("Mcp-Session-Id", session)
          .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      // The SSE stream opens with a comment, so its headers arrive; the MCP stream sends nothing until an event,
      // so a request in the same session after it is what shows the session in use.
      assertThat(events.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(mcpPost(stack, session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{}}")
          .statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(30)).until(() -> waitingClaims(stack) > 0);
      assertThat(longPoll).isNotDone();
    } catch (Exception | AssertionError e) {
      stack.close();
      throw e;
    }

    long took = timeToClose(stack);

    assertThat(Duration.ofNanos(took)).isLessThan(Duration.ofSeconds(BOUND_SECONDS));
    HttpResponse<String> answered = longPoll.get(1, TimeUnit.SECONDS);
    assertThat(answered.statusCode()).isEqualTo(200);
    assertThat(answered.body()).contains("\"claims\":[]");
    // Both streams have ended rather than hanging on a server that is gone.
    assertThat(CompletableFuture.supplyAsync(() -> drain(events))).succeedsWithin(Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(5)).until(mcpStream::isDone);
    if (!mcpStream.isCompletedExceptionally()) {
      assertThat(CompletableFuture.supplyAsync(() -> drain(mcpStream))).succeedsWithin(Duration.ofSeconds(5));
    }
  }

  @Test
  void aStackWhosePostgresIsGoneStopsWithinTheBound() throws Exception {
    DevStack stack = new DevStack(options()).start(DevStack.Progress.silent());
    try {
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(stack.postgresPid())).start();
      assertThat(kill.waitFor()).isZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(stack.postgresPid()).isEmpty());
    } catch (Exception | AssertionError e) {
      stack.close();
      throw e;
    }

    long tookNanos = timeToClose(stack);
    System.out.println("dev stack stop without PostgreSQL took " + tookNanos / 1_000_000 + " ms");
    assertThat(Duration.ofNanos(tookNanos)).isLessThan(Duration.ofSeconds(WITHOUT_POSTGRES_BOUND_SECONDS));
  }

  @Test
  void aStopWithARunningAttemptSaysWhatItWaitsForAndASecondRequestStopsAtOnceReleasingTheTask() throws Exception {
    DevStack stack = new DevStack(options()).start(DevStack.Progress.silent());
    java.util.UUID taskId;
    try {
      MeshClient mesh = new MeshClient(stack.apiUrl(), stack.operatorTokenValue());
      MissionView mission = mesh.createMission("stop-running", "");
      taskId = mesh.submit(mission.id(), dev.workmesh.client.model.TaskRequest.of("long", "runs for minutes")
          .withRuntime("bash", MeshClient.JSON.readTree("{\"command\":\"sleep 300\"}"))).task().id();
      await().atMost(Duration.ofSeconds(60)).until(() -> mesh.task(taskId).status().equals("running"));
      assertThat(stack.stopWaitsFor()).hasValueSatisfying(plan -> assertThat(plan)
          .contains("30 s (task-worker.shutdown-grace)", "1 running attempt", "Ctrl-C again"));
    } catch (Exception | AssertionError e) {
      stack.close();
      throw e;
    }

    long start = System.nanoTime();
    CompletableFuture<Void> stopping = CompletableFuture.runAsync(stack::close);
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> !stopping.isDone());
    stack.endShutdownGrace(); // the second Ctrl-C
    stopping.get(BOUND_SECONDS, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.println("dev stack stop with a running attempt, grace cut after 2 s, took " + took.toMillis() + " ms");

    assertThat(took).as("a stop cut short, against a 30 s grace").isLessThan(Duration.ofSeconds(2 + BOUND_SECONDS));
    try (var postgres = dev.workmesh.testsupport.embedded.EmbeddedPostgresServer.start(dataDir.resolve("postgres"), 0);
        var db = java.sql.DriverManager.getConnection(postgres.jdbcUrl(DevStack.DATABASE),
            dev.workmesh.testsupport.embedded.EmbeddedPostgresServer.SUPERUSER, "");
        var query = db.prepareStatement("SELECT t.status, a.outcome FROM task t JOIN attempt a ON a.task_id = t.id"
            + " WHERE t.id = ?")) {
      query.setObject(1, taskId);
      var rows = query.executeQuery();
      assertThat(rows.next()).isTrue();
      assertThat(rows.getString("status")).as("the task went back to be claimed again").isEqualTo("ready");
      assertThat(rows.getString("outcome")).as("its attempt").isEqualTo("released");
    }
  }

  private static int drain(CompletableFuture<HttpResponse<InputStream>> stream) {
    try (InputStream in = stream.join().body()) {
      return in.readAllBytes().length;
    } catch (java.io.IOException e) {
      return -1; // cut: ended as well
    }
  }

  private static HttpResponse<String> mcpPost(DevStack stack, String session, String body) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(stack.mcpUrl()))
        .header("Authorization", "Bearer " + stack.operatorTokenValue()).header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream").POST(HttpRequest.BodyPublishers.ofString(body));
    if (session != null) {
      r.header("Mcp-Session-Id", session);
    }
    return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static long timeToClose(DevStack stack) {
    long start = System.nanoTime();
    stack.close();
    return System.nanoTime() - start;
  }

  private static double waitingClaims(DevStack stack) {
    return stack.service("mesh-api").getBean(io.micrometer.core.instrument.MeterRegistry.class)
        .get("mesh_claim_long_polls_waiting").gauge().value();
  }

  private static String initializeMcp(DevStack stack) throws Exception {
    HttpResponse<String> r = mcpPost(stack, null, """
        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
         "capabilities":{},"clientInfo":{"name":"stop-test","version":"1"}}}""");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String session = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
    HttpResponse<String> ready = mcpPost(stack, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    assertThat(ready.statusCode() / 100).isEqualTo(2);
    return session;
  }

  private DevOptions options() {
    return DevCommand.parse(List.of("--data-dir", dataDir.toString(), "--api-port", "0", "--mcp-port", "0",
        "--worker-port", "0", "--scheduler-port", "0", "--watchdog-port", "0", "--postgres-port", "0",
        "--kafka-port", "0"));
  }
}
