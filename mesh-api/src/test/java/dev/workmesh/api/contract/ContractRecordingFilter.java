package dev.workmesh.api.contract;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingRequestWrapper;
import org.springframework.web.util.ContentCachingResponseWrapper;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The outermost filter of the API under test: every {@code /work} request any test makes, through any
 * client, is recorded with its answer, and checked against the OpenAPI document ({@link ContractCheck})
 * when the test asks for the violations ({@link #takeViolations}). A server-sent event stream is passed through
 * unbuffered and only its status and media type are checked.
 */
public final class ContractRecordingFilter extends OncePerRequestFilter {

  /** Exchanges not yet checked: checking waits for the test, so that it adds no latency to the server. */
  private static final Queue<Exchange> PENDING = new ConcurrentLinkedQueue<>();
  private static final List<String> TOLERATED = Collections.synchronizedList(new ArrayList<>());
  private static final AtomicLong CHECKED = new AtomicLong();
  private static final ContractCheck CHECK = new ContractCheck(OpenApiDocument.meshApi());

  /** Checks the exchanges recorded since the last call: what differs from the document, one line each. */
  public static List<String> takeViolations() {
    List<String> out = new ArrayList<>();
    for (Exchange x = PENDING.poll(); x != null; x = PENDING.poll()) {
      out.addAll(CHECK.violations(x));
      CHECK.tolerated(x).ifPresent(t -> {
        TOLERATED.add(t);
        System.out.println("contract: accepted by scalar coercion (tolerated until JSON is read strictly): " + t);
      });
      CHECKED.incrementAndGet();
    }
    return out;
  }

  /** The requests the server accepted by coercing a scalar (see {@link ContractCheck#tolerated}), so far. */
  public static List<String> tolerated() {
    synchronized (TOLERATED) {
      return List.copyOf(TOLERATED);
    }
  }

  /** How many exchanges were checked so far in this JVM. */
  public static long checked() {
    return CHECKED.get();
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/work");
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

  private static void record(ContentCachingRequestWrapper req, int status, String contentType, byte[] body) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (req.getQueryString() != null) {
      UriComponentsBuilder.fromUriString("/?" + req.getQueryString()).build().getQueryParams().forEach((k, v) ->
          query.put(URLDecoder.decode(k, StandardCharsets.UTF_8),
              v.stream().map(s -> s == null ? "" : URLDecoder.decode(s, StandardCharsets.UTF_8)).toList()));
    }
    Exchange x = new Exchange(req.getMethod(), req.getRequestURI(), query, req.getContentType(),
        req.getContentAsByteArray(), status, contentType, body);
    PENDING.add(x);
  }
}
