package dev.workmesh.scheduler.web;

import dev.workmesh.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.DefaultCorsProcessor;

/**
 * Spring's CORS checks, with a refused cross-origin request answered like every other error of the API: a
 * 403 problem+json that says which setting lets a page in, instead of a plain-text body.
 */
final class ProblemCorsProcessor extends DefaultCorsProcessor {

  private final Problems problems;

  ProblemCorsProcessor(Problems problems) {
    this.problems = problems;
  }

  @Override
  public boolean processRequest(CorsConfiguration config, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    boolean allowed = super.processRequest(config, request, response);
    if (!allowed) {
      problems.write(response, 403, "Forbidden", "this origin, method or header may not call the scheduler from a"
          + " browser; allow the dashboard's origin in scheduler-service.cors.allowed-origins",
          request.getRequestURI());
    }
    return allowed;
  }

  @Override
  protected void rejectRequest(ServerHttpResponse response) {
    // processRequest writes the problem.
  }
}
