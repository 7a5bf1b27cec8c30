package dev.workmesh.mcp.transport;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every error answer of {@code /mcp} becomes a small JSON-RPC error object and nothing more.
 *
 * <p>The SDK writes its transport errors by serialising its {@code McpError} exception whole, stack trace
 * included (modelcontextprotocol/java-sdk#955, #577), and answers others with {@code sendError}, which the
 * container would turn into an error page. The SDK offers no hook to change either, so this filter wraps
 * the response: an error status set with {@code sendError} is answered directly, and a body written under
 * an error status is buffered and rewritten to {@code {"jsonrpc":"2.0","id":null,"error":{code,message}}},
 * keeping only the JSON-RPC code and the first line of the message. Successful answers, including the
 * SSE streams, pass through untouched.
 */
class ErrorBodySanitizer extends OncePerRequestFilter {

  /** JSON-RPC "server error" range, for errors that carry no JSON-RPC code of their own. */
  static final int SERVER_ERROR = -32000;
  private static final int MAX_MESSAGE = 300;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    SanitizingResponse sanitizing = new SanitizingResponse(response);
    chain.doFilter(request, sanitizing);
    sanitizing.rewriteBufferedError();
  }

  static String jsonRpcError(int code, String message) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code);
    error.put("message", message);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("jsonrpc", "2.0");
    body.put("id", null);
    body.put("error", error);
    return JSON.writeValueAsString(body);
  }

  /** The JSON-RPC code and first message line of whatever error body the SDK wrote. */
  static String sanitize(String body, int status) {
    int code = SERVER_ERROR;
    String message = null;
    try {
      JsonNode json = JSON.readTree(body);
      JsonNode error = json.has("jsonRpcError") ? json.get("jsonRpcError") : json.get("error");
      if (error != null && error.isObject()) {
        code = error.path("code").asInt(SERVER_ERROR);
        message = error.path("message").asString(null);
      } else if (json.has("message")) {
        message = json.get("message").asString(null);
      }
    } catch (JacksonException e) {
      // Not JSON: fall back to the status's reason phrase below.
    }
    return jsonRpcError(code, firstLine(message, status));
  }

  static String firstLine(String message, int status) {
    if (message == null || message.isBlank()) {
      HttpStatus known = HttpStatus.resolve(status);
      return known == null ? "Error " + status : known.getReasonPhrase();
    }
    String line = message.strip().lines().findFirst().orElse("");
    return line.length() > MAX_MESSAGE ? line.substring(0, MAX_MESSAGE) + "…" : line;
  }

  private static final class SanitizingResponse extends HttpServletResponseWrapper {

    private int status = SC_OK;
    private StringWriter errorBody;
    private PrintWriter errorWriter;

    SanitizingResponse(HttpServletResponse response) {
      super(response);
    }

    @Override
    public void setStatus(int sc) {
      status = sc;
      super.setStatus(sc);
    }

    @Override
    public void sendError(int sc) throws IOException {
      sendError(sc, null);
    }

    /** Answers here rather than through the container's error page. */
    @Override
    public void sendError(int sc, String msg) throws IOException {
      if (isCommitted()) {
        return;
      }
      setStatus(sc);
      writeError(jsonRpcError(SERVER_ERROR, firstLine(msg, sc)));
    }

    @Override
    public PrintWriter getWriter() throws IOException {
      if (status < 400) {
        return super.getWriter();
      }
      if (errorWriter == null) {
        errorBody = new StringWriter();
        errorWriter = new PrintWriter(errorBody);
      }
      return errorWriter;
    }

    void rewriteBufferedError() throws IOException {
      if (errorWriter != null && !isCommitted()) {
        errorWriter.flush();
        writeError(sanitize(errorBody.toString(), status));
        errorWriter = null;
      }
    }

    private void writeError(String json) throws IOException {
      resetBuffer();
      setContentType("application/json");
      setCharacterEncoding("UTF-8");
      PrintWriter out = super.getWriter();
      out.write(json);
      out.flush();
    }
  }
}
