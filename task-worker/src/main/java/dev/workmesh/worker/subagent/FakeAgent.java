package dev.workmesh.worker.subagent;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import sun.misc.Signal;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The built-in {@code fake} runtime: a stand-in for an AI agent CLI, for tests and demos. It runs
 * in its own JVM and acts on the {@code fake} object of the task's input, in this order:
 *
 * <pre>{@code
 * {"fake": {
 *   "ignore_sigterm": true,           // SIGTERM does nothing; only SIGKILL stops it
 *   "spawn": ["sleep", "60"],         // start a child process sharing its stdout, not waited for
 *   "secret": "NAME",                 // ask the secrets broker; prints "secret NAME sha256=<hex>", never the value
 *   "subtask": {"title": "…"},        // POST it to $MESH_API_URL/work/missions/$MESH_MISSION_ID/tasks
 *   "output": "text",                 // printed to stdout as is
 *   "result_file": "text",            // written to $MESH_RESULT_FILE
 *   "sleep_ms": 5000,                 // then wait this long
 *   "exit_code": 3                    // and exit with this status (default 0)
 * }}
 * }</pre>
 *
 * Uses only the JDK and Jackson, so it starts fast and logs nothing of its own.
 */
public final class FakeAgent {

  private FakeAgent() {}

  public static void main(String[] args) throws Exception {
    JsonNode input = args.length > 0 ? JsonMapper.shared().readTree(args[0]) : JsonNodeFactory.instance.objectNode();
    JsonNode fake = input.path("fake");
    if (fake.path("ignore_sigterm").asBoolean(false)) {
      Signal.handle(new Signal("TERM"), signal -> {});
    }
    if (fake.path("spawn").isArray()) {
      List<String> argv = new ArrayList<>();
      fake.path("spawn").forEach(element -> argv.add(element.asString()));
      new ProcessBuilder(argv).inheritIO().start();
    }
    if (fake.path("secret").isString()) {
      printSecretDigest(fake.path("secret").stringValue());
    }
    if (fake.path("subtask").isObject()) {
      submitSubtask(fake.path("subtask"));
    }
    if (fake.path("output").isString()) {
      System.out.print(fake.path("output").stringValue());
      System.out.flush();
    }
    if (fake.path("result_file").isString()) {
      Files.writeString(Path.of(System.getenv("MESH_RESULT_FILE")), fake.path("result_file").stringValue());
    }
    if (fake.path("sleep_ms").canConvertToLong()) {
      Thread.sleep(fake.path("sleep_ms").asLong());
    }
    System.out.flush();
    System.exit(fake.path("exit_code").asInt(0));
  }

  private static void printSecretDigest(String name) throws Exception {
    String socket = System.getenv("MESH_SECRETS_SOCKET");
    String session = System.getenv("MESH_SECRETS_SESSION");
    if (socket == null || session == null) {
      System.err.println("fake agent: no MESH_SECRETS_SOCKET/MESH_SECRETS_SESSION in the environment");
      System.exit(2);
    }
    JsonMapper json = JsonMapper.shared();
    String request = json.writeValueAsString(json.createObjectNode().put("op", "get").put("session", session).put("name", name));
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      OutputStream out = Channels.newOutputStream(channel);
      out.write((request + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
      JsonNode response = json.readTree(in.readLine());
      if (!response.path("ok").asBoolean(false)) {
        System.err.println("fake agent: secret " + name + " refused: " + response.path("error").asString(""));
        System.exit(2);
      }
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(response.path("value").asString().getBytes(StandardCharsets.UTF_8));
      System.out.println("secret " + name + " sha256=" + HexFormat.of().formatHex(digest));
    }
  }

  private static void submitSubtask(JsonNode subtask) throws Exception {
    URI uri = URI.create(System.getenv("MESH_API_URL") + "/work/missions/" + System.getenv("MESH_MISSION_ID") + "/tasks");
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JsonMapper.shared().writeValueAsString(subtask)));
    String token = System.getenv("MESH_SUBTASK_TOKEN");
    if (token != null && !token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      System.out.println("subtask status=" + response.statusCode());
    }
  }
}
