package dev.workmesh.mcp.transport;

import io.modelcontextprotocol.spec.HttpHeaders;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.Enumeration;
import java.util.UUID;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * SSE event ids as the Streamable HTTP transport defines them: unique across all streams of a session, and
 * naming their stream ({@code <stream>-<n>}).
 *
 * <p>The SDK (io.modelcontextprotocol.sdk 2.1.0, {@code HttpServletStreamableServerTransportProvider}) gives
 * every response event the session id as its id, and keeps no event history: {@code
 * McpStreamableServerSession.replay} returns nothing, and a GET carrying {@code Last-Event-ID} then never
 * becomes the session's listening stream. Neither can be changed through the SDK's API, so this filter
 * rewrites the {@code id:} line of every event the SDK writes on an SSE response, and treats a GET with
 * {@code Last-Event-ID} as what it can be: a new listening stream (nothing is replayed, since there is no
 * history to replay). For the same reason no priming event is sent: it only invites a resumption that
 * cannot replay anything, and this server never closes a stream before its response, so it has no use for
 * a {@code retry} field either.
 */
class SseEventIds extends OncePerRequestFilter {

  private static final String EVENT_STREAM = "text/event-stream";

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    HttpServletRequest withoutResumption = request.getHeader(HttpHeaders.LAST_EVENT_ID) == null ? request
        : new WithoutLastEventId(request);
    chain.doFilter(withoutResumption, new NumberedEvents(response));
  }

  /** The request, without the {@code Last-Event-ID} header that would send the SDK down its replay path. */
  private static final class WithoutLastEventId extends HttpServletRequestWrapper {

    WithoutLastEventId(HttpServletRequest request) {
      super(request);
    }

    @Override
    public String getHeader(String name) {
      return HttpHeaders.LAST_EVENT_ID.equalsIgnoreCase(name) ? null : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
      return HttpHeaders.LAST_EVENT_ID.equalsIgnoreCase(name) ? Collections.emptyEnumeration()
          : super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
      return Collections.enumeration(Collections.list(super.getHeaderNames()).stream()
          .filter(name -> !HttpHeaders.LAST_EVENT_ID.equalsIgnoreCase(name))
          .toList());
    }
  }

  private static final class NumberedEvents extends HttpServletResponseWrapper {

    private PrintWriter numbering;

    NumberedEvents(HttpServletResponse response) {
      super(response);
    }

    @Override
    public PrintWriter getWriter() throws IOException {
      String contentType = getContentType();
      if (contentType == null || !contentType.startsWith(EVENT_STREAM)) {
        return super.getWriter();
      }
      if (numbering == null) {
        numbering = new NumberingWriter(super.getWriter(), UUID.randomUUID().toString());
      }
      return numbering;
    }
  }

  /**
   * Replaces the id of each event: the SDK writes it as one {@code write("id: ...\n")}, under its own lock
   * per stream, so a counter without further locking is enough.
   */
  private static final class NumberingWriter extends PrintWriter {

    private final PrintWriter target;
    private final String stream;
    private long events;

    NumberingWriter(PrintWriter target, String stream) {
      super(target);
      this.target = target;
      this.stream = stream;
    }

    @Override
    public void write(String text) {
      if (text.startsWith("id: ") && text.endsWith("\n")) {
        super.write("id: " + stream + "-" + (++events) + "\n");
      } else {
        super.write(text);
      }
    }

    /** The container's writer knows whether the client went away; the SDK asks after every event. */
    @Override
    public boolean checkError() {
      return super.checkError() || target.checkError();
    }
  }
}
