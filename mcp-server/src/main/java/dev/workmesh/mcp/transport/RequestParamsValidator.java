package dev.workmesh.mcp.transport;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Refuses a request whose params have the wrong JSON type, before the SDK sees it: {@code tools/call}
 * ({@code params}, {@code name}, {@code arguments}, {@code _meta}), {@code initialize} ({@code
 * protocolVersion}, {@code capabilities}, {@code clientInfo}), {@code logging/setLevel} ({@code level}),
 * and params that are not an object for any request. The SDK fails converting such params on paths that
 * answer HTTP 500 with a JSON-RPC -32603 naming Tomcat internals or drop the connection ({@code
 * tools/call}), or that name Jackson's classes ({@code initialize}, {@code logging/setLevel}).
 * Here the answer is what the transport answers any request: HTTP 200 with the request's JSON-RPC error,
 * -32602 (invalid params), whose message names the field.
 *
 * <p>Every other body, including one that is not JSON, goes on to the SDK unchanged, which answers it as
 * before. The body is read here and replayed to the SDK: Spring's {@code ContentCachingRequestWrapper} only
 * keeps what the next reader consumed, so the replaying request is written by hand.
 */
class RequestParamsValidator extends OncePerRequestFilter {

  /** The SDK's own limit for a request body (its builder's default, set explicitly on the transport). */
  static final int MAX_BODY = 16 * 1024 * 1024;
  private static final int INVALID_PARAMS = -32602;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (!"POST".equals(request.getMethod()) || request.getContentLengthLong() > MAX_BODY) {
      chain.doFilter(request, response); // no message, or one the SDK refuses as too large
      return;
    }
    byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
    if (body.length > MAX_BODY) {
      response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
      return;
    }
    JsonNode message = parse(body);
    Optional<String> problem = message == null ? Optional.empty() : problem(message);
    if (problem.isEmpty()) {
      chain.doFilter(new ReplayedBodyRequest(request, body), response);
      return;
    }
    ObjectNode answer = JSON.createObjectNode().put("jsonrpc", "2.0");
    answer.set("id", message.get("id"));
    answer.putObject("error").put("code", INVALID_PARAMS).put("message", problem.get());
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    response.getWriter().write(JSON.writeValueAsString(answer));
  }

  /** The levels of {@code logging/setLevel}, as the MCP specification names them. */
  private static final Set<String> LEVELS =
      Set.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency");

  /**
   * What is wrong with the params of {@code message} if it is a request the SDK cannot convert: the field
   * and the type it must have. Checked: {@code tools/call}, {@code initialize}, {@code logging/setLevel},
   * and for every other request that its params, when given, are an object (MCP has no positional
   * params). Empty for everything else, which the SDK answers.
   */
  private static Optional<String> problem(JsonNode message) {
    if (!message.isObject() || !message.has("id") || !message.path("method").isString()) {
      return Optional.empty();
    }
    JsonNode params = message.get("params");
    String method = message.get("method").asString();
    boolean absent = params == null || params.isNull();
    if (absent ? isChecked(method) : !params.isObject()) {
      return Optional.of("params must be an object" + switch (method) {
        case "tools/call" -> " with the tool's name and its arguments";
        case "initialize" -> " with protocolVersion, capabilities and clientInfo";
        case "logging/setLevel" -> " with the level";
        default -> "";
      } + ", got " + typeOf(params));
    }
    return switch (method) {
      case "tools/call" -> firstOf(
          params.path("name").isString() ? Optional.empty()
              : Optional.of("params.name must be a string, the tool's name, got " + typeOf(params.get("name"))),
          mustBe(params, "arguments", JsonNode::isObject, "an object"),
          mustBe(params, "_meta", JsonNode::isObject, "an object"));
      case "initialize" -> firstOf(
          mustBe(params, "protocolVersion", JsonNode::isString, "a string such as \"2025-06-18\""),
          mustBe(params, "capabilities", JsonNode::isObject, "an object"),
          mustBe(params, "clientInfo", JsonNode::isObject, "an object with name and version"),
          mustBe(params.path("clientInfo"), "name", JsonNode::isString, "a string", "params.clientInfo."),
          mustBe(params.path("clientInfo"), "version", JsonNode::isString, "a string", "params.clientInfo."),
          mustBe(params, "_meta", JsonNode::isObject, "an object"));
      case "logging/setLevel" -> LEVELS.contains(params.path("level").asString(""))
          && params.get("level").isString()
          ? Optional.empty()
          : Optional.of("params.level must be one of " + LEVELS.stream().sorted().toList() + ", got "
              + typeOf(params.get("level")));
      default -> Optional.empty();
    };
  }

  private static boolean isChecked(String method) {
    return method.equals("tools/call") || method.equals("initialize") || method.equals("logging/setLevel");
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

  private static JsonNode parse(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (JacksonException e) {
      return null; // not JSON: the SDK answers it
    }
  }

  /** The request with its body, already read here, to be read again. */
  private static final class ReplayedBodyRequest extends HttpServletRequestWrapper {

    private final byte[] body;

    ReplayedBodyRequest(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream bytes = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return bytes.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return bytes.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return bytes.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException("the body was read already; read it blocking");
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      String encoding = getCharacterEncoding();
      Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
      return new BufferedReader(new InputStreamReader(getInputStream(), charset));
    }
  }
}
