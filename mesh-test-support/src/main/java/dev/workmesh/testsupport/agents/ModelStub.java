package dev.workmesh.testsupport.agents;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model on loopback that the real agent CLIs talk to instead of a provider: Anthropic Messages
 * ({@code POST /v1/messages}), OpenAI Responses ({@code POST /v1/responses}) and Gemini
 * ({@code :generateContent}, {@code :streamGenerateContent?alt=sse}), streaming as the CLIs ask.
 *
 * <p>What it answers is chosen by a {@link Script} registered for a marker: the first script whose
 * marker occurs in a request body answers it; requests with no marker (a CLI's side calls, such as
 * title generation or model routing) get a short text. A script either replies with text, or first
 * asks the CLI's own tool to write a file (Claude Code {@code Write}, Codex's shell tool, Gemini
 * {@code write_file}) and replies with text once the tool's result comes back; or never answers; or
 * answers with an HTTP error. Every request is recorded, body included, so a test can compare the
 * prompt a CLI sent byte for byte.
 *
 * <p>Each API's shapes are a {@link ModelApi} of their own: {@link AnthropicMessages}, {@link
 * OpenAiResponses}, {@link GeminiGenerateContent} and {@link GeminiCountTokens}.
 */
public final class ModelStub implements AutoCloseable {

  /** What the stub answers to a request that carries a script's marker. */
  public sealed interface Script permits Reply, ToolTurn, Hang, Failure {}

  /** A final text reply. */
  public record Reply(String text) implements Script {}

  /**
   * Asks the CLI to write {@code content} to the file {@code fileName} in its working directory with
   * its own tool, then replies {@code text}. The working directory is the first match of {@code
   * directory} in the request, where each CLI states it in the context it sends the model.
   */
  public record WriteFile(Pattern directory, String fileName, String content, String text) implements ToolTurn {

    Path target(String requestBody) {
      return Path.of(workingDirectory(directory, requestBody), fileName);
    }
  }

  /**
   * Asks the CLI to run {@code command} with its own shell tool (Claude Code {@code Bash}, Codex's
   * shell, Gemini {@code run_shell_command}), {@code {dir}} in it replaced by its working directory
   * found as for {@link WriteFile}, then replies {@code text}.
   */
  public record RunCommand(Pattern directory, String command, String text) implements ToolTurn {

    String commandLine(String requestBody) {
      return command.replace("{dir}", workingDirectory(directory, requestBody));
    }
  }

  /** A script that first has the CLI call one of its tools. */
  public sealed interface ToolTurn extends Script {
    String text();
  }

  private static String workingDirectory(Pattern directory, String requestBody) {
    Matcher found = directory.matcher(requestBody);
    if (!found.find()) {
      throw new IllegalStateException("no working directory matching " + directory + " in the request");
    }
    return found.group();
  }

  /** Never answers; the connection stays open until the stub closes. */
  public record Hang() implements Script {}

  /** Answers with an HTTP error in the provider's error shape. */
  public record Failure(int status, String message) implements Script {}

  /** One request as received. */
  public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers, String body) {}

  /** Tokens the stub reports for every answer. */
  public static final int INPUT_TOKENS = 1234;

  public static final int OUTPUT_TOKENS = 56;
  public static final String MODEL = "stub-model";

  private final HttpServer server;
  private final Map<String, Script> scripts = new ConcurrentHashMap<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicInteger ids = new AtomicInteger();

  private ModelStub(HttpServer server) {
    this.server = server;
  }

  /** Starts on an ephemeral loopback port. */
  public static ModelStub start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
      ModelStub stub = new ModelStub(server);
      server.createContext("/", stub::handle);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.start();
      return stub;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the model stub on loopback", e);
    }
  }

  /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
  public String baseUrl() {
    return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
  }

  /** From now on a request whose body contains {@code marker} is answered by {@code script}. */
  public ModelStub on(String marker, Script script) {
    scripts.put(marker, script);
    return this;
  }

  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  /** The recorded requests whose body contains {@code marker}. */
  public List<RecordedRequest> requestsWith(String marker) {
    return requests.stream().filter(r -> r.body().contains(marker)).toList();
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
  }

  // --- dispatch ------------------------------------------------------------------------------------------------

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String path = exchange.getRequestURI().getPath();
      String query = exchange.getRequestURI().getRawQuery();
      requests.add(new RecordedRequest(
          exchange.getRequestMethod(), path, query == null ? "" : query, Map.copyOf(exchange.getRequestHeaders()), body));
      Script script = scriptFor(body);
      if (script instanceof Hang) {
        awaitClose();
        return;
      }
      ModelApi api = ModelApi.of(path);
      if (api == null) {
        send(exchange, 404, "application/json", "{\"error\":{\"message\":\"the model stub does not serve " + ModelApi.json(path) + "\"}}");
        return;
      }
      if (script instanceof Failure failure) {
        // As the providers do for errors a retry cannot fix.
        exchange.getResponseHeaders().set("x-should-retry", "false");
        send(exchange, failure.status(), "application/json", api.error(failure));
        return;
      }
      String text = script instanceof Reply reply ? reply.text() : script instanceof ToolTurn tool ? tool.text() : "ok";
      String id = "stub" + ids.incrementAndGet();
      boolean stream = api.streams(path, body);
      boolean sideCall = api.sideCall(stream);
      if (sideCall && body.contains("\"responseMimeType\":\"application/json\"")) {
        // Gemini CLI's model router and next-speaker check ask for JSON of their own schemas.
        text = "{\"complexity_reasoning\":\"stub\",\"complexity_score\":10,\"reasoning\":\"stub\",\"next_speaker\":\"user\"}";
      }
      boolean toolTurn = script instanceof ToolTurn && !sideCall && !api.hasToolResult(body);
      String answer =
          toolTurn ? api.toolCall(id, (ToolTurn) script, body, stream) : api.text(id, text, stream);
      send(exchange, 200, stream ? "text/event-stream" : "application/json", answer);
    }
  }

  private Script scriptFor(String body) {
    for (var entry : scripts.entrySet()) {
      if (body.contains(entry.getKey())) {
        return entry.getValue();
      }
    }
    return null;
  }

  private void awaitClose() {
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
