package dev.workmesh.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses bodies larger than a service's limit with 413: by Content-Length up front, and by counting for
 * chunked bodies that do not declare one. A service registers it first in its filter chain.
 */
public class BodySizeLimitFilter extends OncePerRequestFilter {

  private final long limit;
  private final String setting;
  private final Problems problems;

  /**
   * @param limit the largest body, in bytes
   * @param setting the configuration key that sets it, named in the answer
   */
  public BodySizeLimitFilter(long limit, String setting, Problems problems) {
    this.limit = limit;
    this.setting = setting;
    this.problems = problems;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getContentLengthLong() > limit) {
      tooLarge(request, response);
      return;
    }
    try {
      chain.doFilter(new Limited(request, limit), response);
    } catch (ServletException | RuntimeException e) {
      if (hasCause(e, BodyTooLargeException.class) && !response.isCommitted()) {
        response.reset();
        tooLarge(request, response);
        return;
      }
      throw e;
    }
  }

  private void tooLarge(HttpServletRequest request, HttpServletResponse response) throws IOException {
    problems.write(response, 413, "Payload too large",
        "the body is larger than " + limit + " bytes (" + setting + "); split a large batch or move big"
            + " inputs out of the task", request.getRequestURI());
  }

  static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  public static final class BodyTooLargeException extends IOException {
    BodyTooLargeException() {
      super("request body exceeds the configured limit");
    }
  }

  private static final class Limited extends HttpServletRequestWrapper {
    private final long limit;
    private ServletInputStream stream;

    Limited(HttpServletRequest request, long limit) {
      super(request);
      this.limit = limit;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        ServletInputStream in = super.getInputStream();
        stream = new ServletInputStream() {
          private long read;

          @Override
          public int read() throws IOException {
            int b = in.read();
            if (b >= 0 && ++read > limit) {
              throw new BodyTooLargeException();
            }
            return b;
          }

          @Override
          public int read(byte[] buffer, int off, int len) throws IOException {
            int n = in.read(buffer, off, len);
            if (n > 0 && (read += n) > limit) {
              throw new BodyTooLargeException();
            }
            return n;
          }

          @Override
          public boolean isFinished() {
            return in.isFinished();
          }

          @Override
          public boolean isReady() {
            return in.isReady();
          }

          @Override
          public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
          }
        };
      }
      return stream;
    }
  }
}
