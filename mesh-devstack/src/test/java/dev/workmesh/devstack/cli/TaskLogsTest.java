package dev.workmesh.devstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.workmesh.client.MeshClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./mesh logs TASK [--follow]} against a stand-in for {@code GET /work/tasks/{id}/log} whose answers
 * change from call to call, as a running attempt's heartbeats renew the tail: every line printed once, in
 * order, across a sliding tail window and a retry, until the task ends.
 */
class TaskLogsTest {

  private static final String TASK = "0190b7a4-4a4e-7c1d-9f2e-3b5a6c7d8e9f";
  private static final String FIRST = "0190b7a4-4a4e-7c1d-9f2e-000000000001";
  private static final String SECOND = "0190b7a4-4a4e-7c1d-9f2e-000000000002";

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void followingPrintsEachNewLineOnceAcrossASlidingTailAndARetryUntilTheTaskEnds() throws Exception {
    String url = serve(List.of(
        log("running", FIRST, 1, true, "compiling\n"),
        log("running", FIRST, 1, true, "compiling\ntesting\n"),
        log("running", FIRST, 1, true, "testing\n3 tests failed\n"), // the window slid past "compiling"
        log("ready", FIRST, 1, false, "testing\n3 tests failed\n"),
        log("running", SECOND, 2, true, "compiling\n"),
        log("succeeded", SECOND, 2, false, "compiling\ntesting\nall green")));

    int exit = logs(url, TASK, "--follow");

    assertThat(exit).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("compiling\ntesting\n3 tests failed\ncompiling\ntesting\nall green\n");
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--- attempt 1 " + FIRST + " ---",
        "--- attempt 2 " + SECOND + " ---", "--- task succeeded ---");
  }

  @Test
  void withoutFollowTheTailIsPrintedOnceAndATaskNotClaimedYetSaysSo() throws Exception {
    String url = serve(List.of(log("running", FIRST, 1, true, "halfway")));
    assertThat(logs(url, TASK)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("halfway\n");

    server.stop(0);
    out.reset();
    String waiting = serve(List.of("""
        {"task_id":"%s","task_status":"ready","attempt_id":null,"attempt_number":null,"running":false,"log_tail":null}"""
        .formatted(TASK)));
    assertThat(logs(waiting, TASK)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("has not been claimed yet (ready)");
  }

  @Test
  void aTaskIdThatIsNoUuidIsAUsageError() {
    MeshCli cli = new MeshCli(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of("MESH_API_URL", "http://127.0.0.1:9", "MESH_OPERATOR_TOKEN", "token"));

    assertThat(cli.run(List.of("logs", "nope"))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("./mesh logs TASK expects a task id");

    err.reset();
    assertThat(cli.run(List.of("logs"))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("'TASK'").contains("./mesh logs --help");
  }

  @Test
  void newTextIsWhatFollowsTheOverlapOfTwoTailWindows() {
    assertThat(TaskLogs.newText("", "a\n")).isEqualTo("a\n");
    assertThat(TaskLogs.newText("a\nb\n", "a\nb\nc\n")).isEqualTo("c\n");
    assertThat(TaskLogs.newText("a\nb\n", "b\nc\n")).isEqualTo("c\n");
    assertThat(TaskLogs.newText("a\nb\n", "x\ny\n")).as("no overlap: the window outran us").isEqualTo("x\ny\n");
    assertThat(TaskLogs.newText("a\n", "a\n")).isEmpty();
  }

  private int logs(String url, String... args) throws InterruptedException {
    TaskLogs logs = new TaskLogs(new MeshClient(url, "operator-token"),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        Duration.ofMillis(5));
    return logs.show(UUID.fromString(args[0]), List.of(args).contains("--follow"));
  }

  private static String log(String status, String attempt, int number, boolean running, String tail) {
    return """
        {"task_id":"%s","task_status":"%s","attempt_id":"%s","attempt_number":%d,"running":%s,"log_tail":%s}"""
        .formatted(TASK, status, attempt, number, running, MeshClient.JSON.writeValueAsString(tail));
  }

  /** A stand-in for mesh-api answering the task's log with each body in turn, then the last one again. */
  private String serve(List<String> bodies) throws IOException {
    AtomicInteger calls = new AtomicInteger();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/work/tasks/" + TASK + "/log", exchange -> {
      byte[] bytes = bodies.get(Math.min(calls.getAndIncrement(), bodies.size() - 1)).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }
}
