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
 * <p>Hand-written JSON, because the wire shapes are fixed strings and this library carries no JSON
 * dependency.
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
      Wire wire = wireOf(path);
      if (wire == null) {
        send(exchange, 404, "application/json", "{\"error\":{\"message\":\"the model stub does not serve " + json(path) + "\"}}");
        return;
      }
      if (script instanceof Failure failure) {
        // As the providers do for errors a retry cannot fix.
        exchange.getResponseHeaders().set("x-should-retry", "false");
        send(exchange, failure.status(), "application/json", wire.error(failure));
        return;
      }
      String text = script instanceof Reply reply ? reply.text() : script instanceof ToolTurn tool ? tool.text() : "ok";
      String id = "stub" + ids.incrementAndGet();
      boolean stream = wire.streams(path, query, body);
      boolean sideCall = wire == GEMINI && !stream;
      if (sideCall && body.contains("\"responseMimeType\":\"application/json\"")) {
        // Gemini CLI's model router and next-speaker check ask for JSON of their own schemas.
        text = "{\"complexity_reasoning\":\"stub\",\"complexity_score\":10,\"reasoning\":\"stub\",\"next_speaker\":\"user\"}";
      }
      boolean toolTurn = script instanceof ToolTurn && !sideCall && !wire.hasToolResult(body);
      String answer =
          toolTurn ? wire.toolCall(id, (ToolTurn) script, body, stream) : wire.text(id, text, stream);
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

  private static Wire wireOf(String path) {
    if (path.endsWith("/messages")) {
      return ANTHROPIC;
    }
    if (path.endsWith("/responses")) {
      return OPENAI;
    }
    if (path.contains(":streamGenerateContent") || path.contains(":generateContent")) {
      return GEMINI;
    }
    if (path.contains(":countTokens")) {
      return GEMINI_COUNT;
    }
    return null;
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  // --- wire formats --------------------------------------------------------------------------------------------

  private interface Wire {
    boolean streams(String path, String query, String body);

    boolean hasToolResult(String body);

    String text(String id, String text, boolean stream);

    String toolCall(String id, ToolTurn tool, String requestBody, boolean stream);

    String error(Failure failure);
  }

  private static final Wire ANTHROPIC = new Wire() {
    @Override
    public boolean streams(String path, String query, String body) {
      return body.contains("\"stream\":true");
    }

    @Override
    public boolean hasToolResult(String body) {
      return body.contains("\"tool_result\"");
    }

    @Override
    public String text(String id, String text, boolean stream) {
      String block = "{\"type\":\"text\",\"text\":" + json(text) + "}";
      return stream ? stream(id, "end_turn", "{\"type\":\"text\",\"text\":\"\"}", "{\"type\":\"text_delta\",\"text\":" + json(text) + "}")
          : message(id, "end_turn", block);
    }

    @Override
    public String toolCall(String id, ToolTurn tool, String requestBody, boolean stream) {
      String name;
      String input;
      if (tool instanceof WriteFile write) {
        name = "Write";
        input = "{\"file_path\":" + json(write.target(requestBody).toString()) + ",\"content\":" + json(write.content()) + "}";
      } else {
        name = "Bash";
        input = "{\"command\":" + json(((RunCommand) tool).commandLine(requestBody)) + ",\"description\":\"Run the command\"}";
      }
      String start = "{\"type\":\"tool_use\",\"id\":\"toolu_" + id + "\",\"name\":\"" + name + "\",\"input\":{}}";
      return stream ? stream(id, "tool_use", start, "{\"type\":\"input_json_delta\",\"partial_json\":" + json(input) + "}")
          : message(id, "tool_use", "{\"type\":\"tool_use\",\"id\":\"toolu_" + id + "\",\"name\":\"" + name + "\",\"input\":" + input + "}");
    }

    private String message(String id, String stopReason, String block) {
      return "{\"id\":\"msg_" + id + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + MODEL + "\",\"content\":[" + block
          + "],\"stop_reason\":\"" + stopReason + "\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + INPUT_TOKENS
          + ",\"output_tokens\":" + OUTPUT_TOKENS + "}}";
    }

    private String stream(String id, String stopReason, String blockStart, String delta) {
      StringBuilder sse = new StringBuilder();
      event(sse, "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_" + id
          + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + MODEL
          + "\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + INPUT_TOKENS
          + ",\"output_tokens\":1}}}");
      event(sse, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":" + blockStart + "}");
      event(sse, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":" + delta + "}");
      event(sse, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
      event(sse, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason
          + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + OUTPUT_TOKENS + "}}");
      event(sse, "message_stop", "{\"type\":\"message_stop\"}");
      return sse.toString();
    }

    @Override
    public String error(Failure failure) {
      return "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":" + json(failure.message()) + "}}";
    }
  };

  private static final Wire OPENAI = new Wire() {
    @Override
    public boolean streams(String path, String query, String body) {
      return !body.contains("\"stream\":false");
    }

    @Override
    public boolean hasToolResult(String body) {
      return body.contains("\"function_call_output\"") || body.contains("\"custom_tool_call_output\"");
    }

    @Override
    public String text(String id, String text, boolean stream) {
      String item = "{\"type\":\"message\",\"role\":\"assistant\",\"id\":\"msg_" + id
          + "\",\"content\":[{\"type\":\"output_text\",\"text\":" + json(text) + ",\"annotations\":[]}]}";
      return stream(id, item, "{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_" + id
          + "\",\"output_index\":0,\"content_index\":0,\"delta\":" + json(text) + "}");
    }

    @Override
    public String toolCall(String id, ToolTurn tool, String requestBody, boolean stream) {
      // Codex's shell tools take the command as an argv array ("shell") or a string ("shell_command", "exec_command").
      String script = tool instanceof WriteFile write
          ? "printf '%s' " + shellQuote(write.content()) + " > " + shellQuote(write.target(requestBody).toString())
          : ((RunCommand) tool).commandLine(requestBody);
      String name;
      String arguments;
      if (requestBody.contains("\"name\":\"shell_command\"")) {
        name = "shell_command";
        arguments = "{\"command\":" + json(script) + "}";
      } else if (requestBody.contains("\"name\":\"exec_command\"")) {
        name = "exec_command";
        arguments = "{\"cmd\":" + json(script) + "}";
      } else {
        name = "shell";
        arguments = "{\"command\":[\"bash\",\"-c\"," + json(script) + "]}";
      }
      String item = "{\"type\":\"function_call\",\"id\":\"fc_" + id + "\",\"call_id\":\"call_" + id + "\",\"name\":\"" + name
          + "\",\"arguments\":" + json(arguments) + "}";
      return stream(id, item, null);
    }

    private String stream(String id, String item, String delta) {
      StringBuilder sse = new StringBuilder();
      event(sse, "response.created", "{\"type\":\"response.created\",\"response\":{\"id\":\"resp_" + id + "\"}}");
      event(sse, "response.output_item.added", "{\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":" + item + "}");
      if (delta != null) {
        event(sse, "response.output_text.delta", delta);
      }
      event(sse, "response.output_item.done", "{\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":" + item + "}");
      event(sse, "response.completed", "{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_" + id + "\",\"model\":\"" + MODEL
          + "\",\"usage\":{\"input_tokens\":" + INPUT_TOKENS + ",\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":"
          + OUTPUT_TOKENS + ",\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":" + (INPUT_TOKENS + OUTPUT_TOKENS) + "}}}");
      return sse.toString();
    }

    @Override
    public String error(Failure failure) {
      return "{\"error\":{\"message\":" + json(failure.message()) + ",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}";
    }
  };

  private static final Wire GEMINI = new Wire() {
    @Override
    public boolean streams(String path, String query, String body) {
      return path.contains(":streamGenerateContent");
    }

    @Override
    public boolean hasToolResult(String body) {
      return body.contains("\"functionResponse\"");
    }

    @Override
    public String text(String id, String text, boolean stream) {
      return chunk("{\"text\":" + json(text) + "}", stream);
    }

    @Override
    public String toolCall(String id, ToolTurn tool, String requestBody, boolean stream) {
      if (tool instanceof RunCommand run) {
        return chunk("{\"functionCall\":{\"name\":\"run_shell_command\",\"args\":{\"command\":" + json(run.commandLine(requestBody))
            + ",\"description\":\"Run the command\"}}}", stream);
      }
      WriteFile write = (WriteFile) tool;
      return chunk("{\"functionCall\":{\"name\":\"write_file\",\"args\":{\"file_path\":" + json(write.target(requestBody).toString())
          + ",\"content\":" + json(write.content()) + "}}}", stream);
    }

    private String chunk(String part, boolean stream) {
      String response = "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[" + part
          + "]},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":" + INPUT_TOKENS
          + ",\"candidatesTokenCount\":" + OUTPUT_TOKENS + ",\"totalTokenCount\":" + (INPUT_TOKENS + OUTPUT_TOKENS)
          + "},\"modelVersion\":\"" + MODEL + "\"}";
      return stream ? "data: " + response + "\r\n\r\n" : response;
    }

    @Override
    public String error(Failure failure) {
      return "{\"error\":{\"code\":" + failure.status() + ",\"message\":" + json(failure.message()) + ",\"status\":\"UNAUTHENTICATED\"}}";
    }
  };

  private static final Wire GEMINI_COUNT = new Wire() {
    @Override
    public boolean streams(String path, String query, String body) {
      return false;
    }

    @Override
    public boolean hasToolResult(String body) {
      return false;
    }

    @Override
    public String text(String id, String text, boolean stream) {
      return "{\"totalTokens\":" + INPUT_TOKENS + "}";
    }

    @Override
    public String toolCall(String id, ToolTurn tool, String requestBody, boolean stream) {
      return text(id, "", false);
    }

    @Override
    public String error(Failure failure) {
      return GEMINI.error(failure);
    }
  };

  private static void event(StringBuilder sse, String name, String data) {
    sse.append("event: ").append(name).append('\n').append("data: ").append(data).append("\n\n");
  }

  private static String shellQuote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }

  /** A JSON string literal. */
  static String json(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
