package dev.workmesh.testsupport.contract;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingRequestWrapper;
import org.springframework.web.util.ContentCachingResponseWrapper;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The outermost filter of the service under test: every request under the document's path prefix, through
 * any client, is recorded with its answer, and checked against the service's OpenAPI document
 * ({@link ContractCheck}) when the test asks for the violations ({@link #takeViolations}). A server-sent
 * event stream is passed through unbuffered and only its status and media type are checked. CORS
 * preflights are the browser's, not operations of the API, and are not recorded.
 */
public final class ContractRecordingFilter extends OncePerRequestFilter {

  /** Exchanges not yet checked: checking waits for the test, so that it adds no latency to the server. */
  private final Queue<Exchange> pending = new ConcurrentLinkedQueue<>();
  private final AtomicLong checked = new AtomicLong();
  private final ContractCheck check;
  private final String pathPrefix;

  /**
   * @param document the service's own OpenAPI document
   * @param pathPrefix the requests to record, e.g. {@code /work}: the API's, not the actuator's
   */
  public ContractRecordingFilter(OpenApiDocument document, String pathPrefix) {
    this.check = new ContractCheck(document);
    this.pathPrefix = pathPrefix;
  }

  /** Checks the exchanges recorded since the last call: what differs from the document, one line each. */
  public List<String> takeViolations() {
    List<String> out = new ArrayList<>();
    for (Exchange x = pending.poll(); x != null; x = pending.poll()) {
      out.addAll(check.violations(x));
      checked.incrementAndGet();
    }
    return out;
  }

  /** How many exchanges were checked so far. */
  public long checked() {
    return checked.get();
  }

  public String pathPrefix() {
    return pathPrefix;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith(pathPrefix) || CorsUtils.isPreFlightRequest(request);
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    var req = new ContentCachingRequestWrapper(request, 64 * 1024 * 1024);
    if (request.getRequestURI().endsWith("/events")) {
      chain.doFilter(req, response);
      record(req, response.getStatus(), response.getContentType(), null);
      return;
    }
    var res = new ContentCachingResponseWrapper(response);
    try {
      chain.doFilter(req, res);
    } finally {
      record(req, res.getStatus(), res.getContentType(), res.getContentAsByteArray());
      res.copyBodyToResponse();
    }
  }

  private void record(ContentCachingRequestWrapper req, int status, String contentType, byte[] body) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (req.getQueryString() != null) {
      UriComponentsBuilder.fromUriString("/?" + req.getQueryString()).build().getQueryParams().forEach((k, v) ->
          query.put(URLDecoder.decode(k, StandardCharsets.UTF_8),
              v.stream().map(s -> s == null ? "" : URLDecoder.decode(s, StandardCharsets.UTF_8)).toList()));
    }
    pending.add(new Exchange(req.getMethod(), req.getRequestURI(), query, req.getContentType(),
        req.getContentAsByteArray(), status, contentType, body));
  }
}
