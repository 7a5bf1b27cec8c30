package dev.workmesh.mcp.transport;

import dev.workmesh.client.MeshClient;
import dev.workmesh.mcp.resources.TaskSubscriptions;
import io.modelcontextprotocol.spec.HttpHeaders;
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

/**
 * Answers a message that the SDK would mishandle before the SDK sees it, with the error {@link
 * JsonRpcMessageCheck} gives: -32700 for a body that is not JSON and -32600 for JSON that is not a JSON-RPC
 * message (HTTP 400; the SDK would answer -32600 for both and log the client's mistake at ERROR), and
 * -32602 naming the field for a request whose params have the wrong type (HTTP 200 with the request's error,
 * as the transport answers any request; the SDK would answer HTTP 500 with a -32603 naming Tomcat or Jackson
 * internals, or drop the connection).
 *
 * <p>Every other body goes on to the SDK unchanged; a {@code resources/subscribe} is also told to {@link
 * TaskSubscriptions}, which follows the task for the subscriber. The body is read here and replayed to the
 * SDK: Spring's {@code ContentCachingRequestWrapper} only keeps what the next reader consumed, so the
 * replaying request is written by hand.
 */
class RequestParamsValidator extends OncePerRequestFilter {

  /** The SDK's own limit for a request body (its builder's default, set explicitly on the transport). */
  static final int MAX_BODY = 16 * 1024 * 1024;

  private final TaskSubscriptions subscriptions;

  RequestParamsValidator(TaskSubscriptions subscriptions) {
    this.subscriptions = subscriptions;
  }

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
    Optional<JsonRpcMessageCheck.Refusal> refusal = JsonRpcMessageCheck.check(body);
    if (refusal.isEmpty()) {
      if (request.getAttribute(McpRequestGuard.CALLER_ATTRIBUTE) instanceof MeshClient caller) {
        JsonRpcMessageCheck.subscribedUri(new String(body, StandardCharsets.UTF_8)).ifPresent(uri ->
            subscriptions.subscribed(uri, caller, String.valueOf(request.getHeader(HttpHeaders.MCP_SESSION_ID))));
      }
      chain.doFilter(new ReplayedBodyRequest(request, body), response);
      return;
    }
    JsonRpcMessageCheck.Refusal refused = refusal.get();
    // A request with bad params is answered like any request (200 and its error); a message that cannot be
    // read at all is a bad request, and a notification or response has no answer but its status.
    boolean paramsOfARequest = refused.code() == JsonRpcMessageCheck.INVALID_PARAMS;
    response.setStatus(paramsOfARequest ? HttpServletResponse.SC_OK : HttpServletResponse.SC_BAD_REQUEST);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    response.getWriter().write(refused.toJson());
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
