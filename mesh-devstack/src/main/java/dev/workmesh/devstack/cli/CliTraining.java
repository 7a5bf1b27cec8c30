package dev.workmesh.devstack.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * The call {@code ./mesh} makes once after a build to fill the JVM's cache of loaded and linked classes: a few
 * everyday commands ({@code tasks}, {@code task}, {@code submit}, a refused {@code task}, a mesh that does not
 * answer) against a stand-in for mesh-api on a loopback port that answers as the API does. A call that only
 * reached a refused connection would leave the REST client's and Jackson's success path out of the cache, and
 * every later call would load those classes from the jar again. Nothing of a real mesh is touched.
 */
@Command(name = "train-cli", hidden = true, description = "fill the start-up cache of the CLI (run by ./mesh)")
final class CliTraining implements Callable<Integer> {

  private static final String MISSION = "0190b7a4-0000-7000-8000-000000000001";
  private static final String TASK = "0190b7a4-0000-7000-8000-000000000002";
  private static final String UNKNOWN_TASK = "0190b7a4-0000-7000-8000-000000000003";

  private static final String MISSIONS = """
      {"items":[{"id":"%s","name":"training","description":"","created_at":"2026-01-01T00:00:00Z",
      "task_counts":{"ready":1,"succeeded":1},"budget":{"tokens":100000,"cost_usd":5.00},
      "spent":{"input_tokens":0,"output_tokens":0,"tokens":1500,"cost_usd":0.0123},"budget_exhausted":false}],
      "next_cursor":null}""".formatted(MISSION);

  private static final String TASK_VIEW = """
      {"id":"%s","mission_id":"%s","title":"train","description":"a prompt","claim_policy":"first_claim",
      "assigned_agent":null,"pool":"default","required_capabilities":["git"],"priority":0,"runtime":"bash",
      "input":{"command":"echo hi"},"max_attempts":3,"timeout":"30m","not_before":null,"depends_on":[],
      "parent_task_id":null,"idempotency_key":null,"status":"succeeded","attempt":1,"cancel_requested":false,
      "result":{"summary":"done"},"error":null,"submitted_by":"operator","created_at":"2026-01-01T00:00:00Z",
      "ready_at":"2026-01-01T00:00:00.123456Z","finished_at":"2026-01-01T00:01:00Z",
      "updated_at":"2026-01-01T00:01:00Z","attempts":[{"id":"0190b7a4-0000-7000-8000-000000000004",
      "agent_id":"0190b7a4-0000-7000-8000-000000000005","number":1,"broadcast":false,
      "claimed_at":"2026-01-01T00:00:01Z","started_at":"2026-01-01T00:00:02Z","finished_at":"2026-01-01T00:01:00Z",
      "lease_expires_at":"2026-01-01T00:05:00Z","outcome":"succeeded","exit_code":0,"log_tail":"hi\\nbye\\n",
      "result":{"summary":"done"},"error":null,"usage":{"model":"m","input_tokens":1200,"output_tokens":300,
      "cost_usd":0.0123}}],"usage_total":{"input_tokens":1200,"output_tokens":300,"tokens":1500,"cost_usd":0.0123},
      "waiting_reason":{"requirement":"runtime","message":"no connected agent offers runtime bash"}}"""
      .formatted(TASK, MISSION);

  private static final String NOT_FOUND = """
      {"type":"about:blank","title":"Not Found","status":404,"detail":"no task %s","instance":"/work/tasks/%1$s"}"""
      .formatted(UNKNOWN_TASK);

  private final MeshConnection where;

  /** @param where where the calls print (./mesh sends it nowhere); its mesh is not used */
  CliTraining(MeshConnection where) {
    this.where = where;
  }

  @Override
  public Integer call() throws IOException {
    Path devDir = Files.createTempDirectory("mesh-cli-training");
    HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    api.createContext("/work/", CliTraining::answer);
    api.start();
    int failures;
    try {
      Files.writeString(devDir.resolve("dev.env"), "MESH_API_URL=http://127.0.0.1:" + api.getAddress().getPort()
          + "\nMESH_OPERATOR_TOKEN=training\n");
      Map<String, String> env = Map.of("MESH_DEV_DIR", devDir.toString());
      failures = run(env, "tasks", "training") + run(env, "task", TASK);
      failures += run(env, "submit", "training", "train", "--description", "a prompt", "--command", "echo hi",
          "--capability", "git", "--priority", "1", "--timeout", "30m", "--input", "{\"argv\":[\"ls\"]}");
      run(env, "task", UNKNOWN_TASK); // refused: error 404
    } finally {
      api.stop(0);
    }
    run(Map.of("MESH_DEV_DIR", devDir.toString()), "task", TASK); // the mesh does not answer
    Files.delete(devDir.resolve("dev.env"));
    Files.delete(devDir);
    return failures == 0 ? 0 : 1;
  }

  private int run(Map<String, String> env, String... argv) {
    return new MeshCli(where.out, where.err, env).run(List.of(argv));
  }

  private static void answer(HttpExchange exchange) {
    String path = exchange.getRequestURI().getPath();
    boolean post = exchange.getRequestMethod().equals("POST");
    int status;
    String body;
    if (path.equals("/work/missions")) {
      status = 200;
      body = MISSIONS;
    } else if (path.equals("/work/missions/" + MISSION + "/tasks")) {
      status = post ? 201 : 200;
      body = post ? TASK_VIEW : "{\"items\":[" + TASK_VIEW + "],\"next_cursor\":null}";
    } else if (path.equals("/work/tasks/" + TASK)) {
      status = 200;
      body = TASK_VIEW;
    } else {
      status = 404;
      body = NOT_FOUND;
    }
    try (exchange; OutputStream response = exchange.getResponseBody()) {
      exchange.getRequestBody().readAllBytes();
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type",
          status == 404 ? "application/problem+json" : "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      response.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
