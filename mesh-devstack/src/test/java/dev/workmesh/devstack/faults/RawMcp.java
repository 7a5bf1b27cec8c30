package dev.workmesh.devstack.faults;

import dev.workmesh.client.MeshClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * MCP over Streamable HTTP at the level of bytes: the test writes each JSON-RPC message itself, so that it
 * can send what no well-behaved client would (wrong types, huge and deeply nested values, lone surrogates,
 * foreign sessions and tokens), and reads the HTTP status, the JSON-RPC answer and the tool result as they
 * come.
 */
final class RawMcp {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String endpoint;
  private final String token;
  private final AtomicLong ids = new AtomicLong(100);
  private String session;

  RawMcp(String baseUrl, String token) {
    this.endpoint = baseUrl + "/mcp";
    this.token = token;
  }

  /** What came back for one request. */
  record Answer(int status, String body, JsonNode message) {

    JsonNode result() {
      return message == null ? null : message.get("result");
    }

    boolean jsonRpcError() {
      return message != null && message.has("error");
    }

    boolean toolError() {
      JsonNode result = result();
      return result != null && result.has("isError") && result.get("isError").asBoolean();
    }

    boolean toolSuccess() {
      JsonNode result = result();
      return result != null && !toolError();
    }

    String text() {
      JsonNode result = result();
      if (result == null || !result.has("content")) {
        return message == null ? body : message.toString();
      }
      StringBuilder out = new StringBuilder();
      for (JsonNode c : result.get("content")) {
        if (c.has("text")) {
          out.append(c.get("text").asString()).append('\n');
        }
      }
      return out.toString();
    }
  }

  /** Opens a session (initialize, then the initialized notification). */
  RawMcp initialize() throws IOException, InterruptedException {
    Answer opened = post(null, """
        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},
         "clientInfo":{"name":"fault-suite","version":"1"}}}""", token);
    if (opened.status() != 200) {
      throw new IllegalStateException("initialize answered " + opened.status() + ": " + opened.body());
    }
    session = lastSession;
    Answer ready = post(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", token);
    if (ready.status() / 100 != 2) {
      throw new IllegalStateException("notifications/initialized answered " + ready.status());
    }
    return this;
  }

  String session() {
    return session;
  }

  /** {@code tools/call} of {@code tool} with {@code arguments} written as raw JSON (any JSON value). */
  Answer call(String tool, String argumentsJson) throws IOException, InterruptedException {
    return callAs(token, session, tool, argumentsJson);
  }

  /** {@code tools/call} with another bearer token (or none) and session (or none). */
  Answer callAs(String bearer, String sessionId, String tool, String argumentsJson)
      throws IOException, InterruptedException {
    String body = "{\"jsonrpc\":\"2.0\",\"id\":" + ids.incrementAndGet() + ",\"method\":\"tools/call\",\"params\":{"
        + "\"name\":" + MeshClient.JSON.writeValueAsString(tool) + ",\"arguments\":" + argumentsJson + "}}";
    return post(sessionId, body, bearer);
  }

  /** Any JSON-RPC message, as raw text, in this session. */
  Answer send(String rawBody) throws IOException, InterruptedException {
    return post(session, rawBody, token);
  }

  Answer listTools() throws IOException, InterruptedException {
    return send("{\"jsonrpc\":\"2.0\",\"id\":" + ids.incrementAndGet() + ",\"method\":\"tools/list\",\"params\":{}}");
  }

  private volatile String lastSession;

  private Answer post(String sessionId, String body, String bearer) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    if (sessionId != null) {
      request.header("Mcp-Session-Id", sessionId);
    }
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    response.headers().firstValue("Mcp-Session-Id").ifPresent(s -> lastSession = s);
    return new Answer(response.statusCode(), response.body(), parse(response));
  }

  private static JsonNode parse(HttpResponse<String> response) {
    String body = response.body();
    if (body == null || body.isBlank()) {
      return null;
    }
    String json = body;
    if (response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
      StringBuilder data = new StringBuilder();
      for (String line : body.split("\n")) {
        if (line.startsWith("data:")) {
          data.append(line.substring(5).strip());
        }
      }
      json = data.toString();
    }
    try {
      return MeshClient.JSON.readTree(json);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
