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
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Refuses a {@code tools/call} whose {@code params}, {@code params.name}, {@code params.arguments} or
 * {@code params._meta} has the wrong JSON type, before the SDK sees it. The SDK fails converting such params
 * on a path that answers HTTP 500 with a JSON-RPC -32603 naming Tomcat internals, or drops the connection.
 * Here the answer is what the transport answers any request: HTTP 200 with the request's JSON-RPC error,
 * -32602 (invalid params), whose message names the field.
 *
 * <p>Every other body, including one that is not JSON, goes on to the SDK unchanged, which answers it as
 * before. The body is read here and replayed to the SDK: Spring's {@code ContentCachingRequestWrapper} only
 * keeps what the next reader consumed, so the replaying request is written by hand.
 */
class ToolCallParamsValidator extends OncePerRequestFilter {

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

  /**
   * What is wrong with {@code message} if it is a {@code tools/call} request the SDK cannot convert: the
   * field and the type it must have. Empty for every other message.
   */
  private static Optional<String> problem(JsonNode message) {
    if (!message.isObject() || !message.path("method").asString("").equals("tools/call") || !message.has("id")) {
      return Optional.empty();
    }
    JsonNode params = message.get("params");
    if (params == null || !params.isObject()) {
      return Optional.of("params must be an object with the tool's name and its arguments, got " + typeOf(params));
    }
    if (!params.path("name").isString()) {
      return Optional.of("params.name must be a string, the tool's name, got " + typeOf(params.get("name")));
    }
    for (String field : new String[] {"arguments", "_meta"}) {
      JsonNode value = params.get(field);
      if (value != null && !value.isNull() && !value.isObject()) {
        return Optional.of("params." + field + " must be an object, got " + typeOf(value));
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
