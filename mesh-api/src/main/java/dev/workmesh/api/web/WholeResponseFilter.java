package dev.workmesh.api.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Sends an answer whole: its headers with a {@code Content-Length} and its body in one write, rather than
 * chunked in two. Spring's message converters flush the response once they have written the body, which
 * commits it before its length is known, so Tomcat sends the headers and the body as one chunk and the
 * closing chunk in a second write, and the client reads twice. This filter keeps such flushes from reaching
 * Tomcat: a body that fits its response buffer (8 KiB) is sent when the request ends, with its length, in
 * one write; a larger one is chunked as before, once the buffer fills.
 *
 * <p>The mission event stream is left alone: a server-sent event must leave when it is written.
 */
public final class WholeResponseFilter extends OncePerRequestFilter {

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return request.getRequestURI().endsWith("/events");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    chain.doFilter(request, new Unflushed(response));
  }

  /** A response whose flushes wait for the end of the request. */
  private static final class Unflushed extends HttpServletResponseWrapper {

    private ServletOutputStream stream;

    Unflushed(HttpServletResponse response) {
      super(response);
    }

    @Override
    public void flushBuffer() {
      // sent when the request ends, with its length
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
      if (stream == null) {
        stream = new UnflushedStream(super.getOutputStream());
      }
      return stream;
    }
  }

  private static final class UnflushedStream extends ServletOutputStream {

    private final ServletOutputStream out;

    UnflushedStream(ServletOutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void flush() {
      // sent when the request ends, with its length
    }

    @Override
    public void close() throws IOException {
      out.close();
    }

    @Override
    public boolean isReady() {
      return out.isReady();
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      out.setWriteListener(listener);
    }
  }
}
