package dev.workmesh.api.ui;

import dev.workmesh.api.config.MeshApiProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A strict Content-Security-Policy on the dashboard: scripts, styles and data only from the mesh-api
 * itself, no inline script or style, no frames, no plugins, no form posts elsewhere. With it, text that
 * a task or agent put in the mesh cannot run as script in the page even if it were inserted as markup.
 * The one other origin the page may call is scheduler-service's, when {@code
 * mesh-api.dashboard.scheduler-url} names it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
class DashboardHeadersFilter extends OncePerRequestFilter {

  private final String policy;

  DashboardHeadersFilter(MeshApiProperties properties) {
    this.policy = policy(properties.dashboard());
  }

  static String policy(MeshApiProperties.Dashboard dashboard) {
    String connect = dashboard.hasScheduler() ? "'self' " + dashboard.schedulerUrl() : "'self'";
    return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src " + connect
        + "; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String uri = request.getRequestURI();
    return !(uri.equals("/ui") || uri.startsWith(DashboardConfiguration.PATH));
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    response.setHeader("Content-Security-Policy", policy);
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    chain.doFilter(request, response);
  }
}
