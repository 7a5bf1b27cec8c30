package dev.workmesh.mcp.transport;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What both transports check in a client's message before the SDK reads it, and the JSON-RPC error the
 * client gets instead when something is wrong: -32700 when it is not JSON, -32600 when it is JSON but not a
 * JSON-RPC message, and -32602 naming the field when a request's params have a type the SDK cannot convert
 * (it would answer -32603 with Jackson's class names, or drop the request) or a tool argument is a number
 * that JSON Schema validation cannot compare ({@code 1e30}, beyond any integer a client can mean).
 *
 * <p>Checked params: {@code tools/call} ({@code params}, {@code name}, {@code arguments}, {@code _meta}),
 * {@code initialize} ({@code protocolVersion}, {@code capabilities}, {@code clientInfo}), {@code
 * logging/setLevel} ({@code level}), {@code resources/read}, {@code resources/subscribe} and {@code
 * resources/unsubscribe} ({@code uri}), and for every other request that its params, when given, are an
 * object (MCP has no positional params). Everything else goes to the SDK unchanged.
 */
final class JsonRpcMessageCheck {

  static final int PARSE_ERROR = -32700;
  static final int INVALID_REQUEST = -32600;
  static final int INVALID_PARAMS = -32602;
  /** The largest integer every JSON reader keeps exactly (2^53 - 1); tool arguments stay within it. */
  static final BigDecimal MAX_SAFE_NUMBER = BigDecimal.valueOf(9_007_199_254_740_991L);

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The levels of {@code logging/setLevel}, as the MCP specification names them. */
  private static final Set<String> LEVELS =
      Set.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency");

  private static final Map<String, String> PARAMS_SHAPE = Map.of(
      "tools/call", " with the tool's name and its arguments",
      "initialize", " with protocolVersion, capabilities and clientInfo",
      "logging/setLevel", " with the level",
      "resources/read", " with the resource's uri",
      "resources/subscribe", " with the resource's uri",
      "resources/unsubscribe", " with the resource's uri");

  private JsonRpcMessageCheck() {}

  /**
   * Why the SDK must not see a message, as the error to answer it with.
   *
   * @param id the request's id; null when there is none or it cannot be read
   * @param answer false for a notification or a response: JSON-RPC answers those with nothing
   */
  record Refusal(JsonNode id, int code, String message, boolean answer) {

    /** The JSON-RPC error response, one line of JSON. */
    String toJson() {
      ObjectNode error = JSON.createObjectNode().put("jsonrpc", "2.0");
      error.set("id", id);
      error.putObject("error").put("code", code).put("message", message);
      return JSON.writeValueAsString(error);
    }
  }

  static Optional<Refusal> check(byte[] message) {
    return parsedThenChecked(() -> JSON.readTree(message));
  }

  static Optional<Refusal> check(String message) {
    return parsedThenChecked(() -> JSON.readTree(message));
  }

  private static Optional<Refusal> parsedThenChecked(Supplier<JsonNode> parse) {
    JsonNode json;
    try {
      json = parse.get();
    } catch (JacksonException e) {
      return Optional.of(new Refusal(null, PARSE_ERROR, "Parse error: the message is not valid JSON", true));
    }
    return check(json);
  }

  /** The URI of a {@code resources/subscribe} request that passed {@link #check}; empty for anything else. */
  static Optional<String> subscribedUri(String message) {
    if (!message.contains("resources/subscribe")) {
      return Optional.empty();
    }
    try {
      JsonNode json = JSON.readTree(message);
      JsonNode uri = json.path("params").path("uri");
      return "resources/subscribe".equals(json.path("method").asString(null)) && uri.isString()
          ? Optional.of(uri.asString())
          : Optional.empty();
    } catch (JacksonException e) {
      return Optional.empty();
    }
  }

  private static Optional<Refusal> check(JsonNode message) {
    if (message == null || message.isMissingNode()) {
      return Optional.of(new Refusal(null, PARSE_ERROR, "Parse error: the message is empty", true));
    }
    if (message.isArray()) {
      return Optional.of(new Refusal(null, INVALID_REQUEST,
          "Invalid request: send one JSON-RPC message at a time (MCP has no batches)", true));
    }
    if (!message.isObject() || !"2.0".equals(message.path("jsonrpc").asString(null))) {
      return Optional.of(new Refusal(null, INVALID_REQUEST,
          "Invalid request: a JSON-RPC 2.0 message is an object with \"jsonrpc\": \"2.0\"", true));
    }
    JsonNode id = message.get("id");
    boolean request = id != null && !id.isNull();
    if (request && !id.isString() && !id.isIntegralNumber()) {
      return Optional.of(new Refusal(null, INVALID_REQUEST, "Invalid request: id must be a string or an integer",
          true));
    }
    if (message.has("method") && !message.get("method").isString()) {
      return Optional.of(new Refusal(request ? id : null, INVALID_REQUEST, "Invalid request: method must be a string",
          request));
    }
    if (!message.has("method") && !message.has("result") && !message.has("error")) {
      return Optional.of(new Refusal(request ? id : null, INVALID_REQUEST,
          "Invalid request: a message needs a method (request, notification) or a result or error (response)",
          request));
    }
    if (!request || !message.has("method")) {
      return Optional.empty();
    }
    return paramsProblem(message.get("method").asString(), message.get("params"))
        .map(problem -> new Refusal(id, INVALID_PARAMS, problem, true));
  }

  /** What is wrong with a request's params: the field and what it must be. */
  private static Optional<String> paramsProblem(String method, JsonNode params) {
    boolean absent = params == null || params.isNull();
    if (absent ? PARAMS_SHAPE.containsKey(method) : !params.isObject()) {
      return Optional.of("params must be an object" + PARAMS_SHAPE.getOrDefault(method, "") + ", got "
          + typeOf(params));
    }
    return switch (method) {
      case "tools/call" -> firstOf(
          params.path("name").isString() ? Optional.empty()
              : Optional.of("params.name must be a string, the tool's name, got " + typeOf(params.get("name"))),
          mustBe(params, "arguments", JsonNode::isObject, "an object"),
          mustBe(params, "_meta", JsonNode::isObject, "an object"),
          numbersInRange(params.path("arguments")));
      case "initialize" -> firstOf(
          mustBe(params, "protocolVersion", JsonNode::isString, "a string such as \"2025-06-18\""),
          mustBe(params, "capabilities", JsonNode::isObject, "an object"),
          mustBe(params, "clientInfo", JsonNode::isObject, "an object with name and version"),
          mustBe(params.path("clientInfo"), "name", JsonNode::isString, "a string", "params.clientInfo."),
          mustBe(params.path("clientInfo"), "version", JsonNode::isString, "a string", "params.clientInfo."),
          mustBe(params, "_meta", JsonNode::isObject, "an object"));
      case "logging/setLevel" -> params.path("level").isString() && LEVELS.contains(params.get("level").asString())
          ? Optional.empty()
          : Optional.of("params.level must be one of " + LEVELS.stream().sorted().toList() + ", got "
              + typeOf(params.get("level")));
      case "resources/read", "resources/subscribe", "resources/unsubscribe" -> params.path("uri").isString()
          ? Optional.empty()
          : Optional.of("params.uri must be a string, the resource's URI, got " + typeOf(params.get("uri")));
      default -> Optional.empty();
    };
  }

  /**
   * A tool argument that is a number no schema check can compare: non-finite, or beyond ±(2^53 - 1). The
   * SDK's JSON Schema validator fails on such numbers with its own internals in the message.
   */
  private static Optional<String> numbersInRange(JsonNode arguments) {
    for (Map.Entry<String, JsonNode> argument : arguments.properties()) {
      JsonNode value = argument.getValue();
      if (value.isNumber() && !withinSafeRange(value)) {
        return Optional.of("params.arguments." + argument.getKey() + " must be a number between -"
            + MAX_SAFE_NUMBER + " and " + MAX_SAFE_NUMBER + ", got " + value.asString());
      }
    }
    return Optional.empty();
  }

  private static boolean withinSafeRange(JsonNode number) {
    if (number.isFloatingPointNumber() && !number.isBigDecimal() && !Double.isFinite(number.doubleValue())) {
      return false;
    }
    return number.decimalValue().abs().compareTo(MAX_SAFE_NUMBER) <= 0;
  }

  /** A problem when {@code field} of {@code params} is there, not null, and not what {@code ok} accepts. */
  private static Optional<String> mustBe(JsonNode params, String field, Predicate<JsonNode> ok, String what) {
    return mustBe(params, field, ok, what, "params.");
  }

  private static Optional<String> mustBe(JsonNode params, String field, Predicate<JsonNode> ok, String what,
      String path) {
    JsonNode value = params.get(field);
    if (value == null || value.isNull() || ok.test(value)) {
      return Optional.empty();
    }
    return Optional.of(path + field + " must be " + what + ", got " + typeOf(value));
  }

  @SafeVarargs
  private static Optional<String> firstOf(Optional<String>... checks) {
    for (Optional<String> check : checks) {
      if (check.isPresent()) {
        return check;
      }
    }
    return Optional.empty();
  }

  private static String typeOf(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "nothing";
    }
    return switch (value.getNodeType()) {
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> "an object";
    };
  }
}
