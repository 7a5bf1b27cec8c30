package dev.workmesh.scheduler.web;

import dev.workmesh.core.Ids;
import dev.workmesh.web.BearerTokens;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Lets a request to {@code /schedules} through only with {@code Authorization: Bearer <operator
 * token>}. A missing or wrong token is answered 401 with {@code WWW-Authenticate: Bearer} and a
 * problem+json body, rendered by mesh-web's problem handler through MVC's exception resolvers so that
 * every error of the API looks the same. Tokens are compared as SHA-256 digests in constant time.
 */
public final class OperatorTokenFilter extends OncePerRequestFilter {

  private final byte[] expectedDigest;
  private final HandlerExceptionResolver resolver;

  public OperatorTokenFilter(String operatorToken, HandlerExceptionResolver resolver) {
    this.expectedDigest = Ids.sha256(operatorToken);
    this.resolver = resolver;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    return !(path.equals("/schedules") || path.startsWith("/schedules/"));
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Optional<String> token = BearerTokens.from(request);
    if (token.isEmpty()) {
      reject(request, response, "send the operator token as 'Authorization: Bearer <token>'"
          + " (scheduler-service.operator-token)");
      return;
    }
    if (!BearerTokens.sameDigest(Ids.sha256(token.get()), expectedDigest)) {
      reject(request, response, "the bearer token is not this scheduler's operator token"
          + " (scheduler-service.operator-token)");
      return;
    }
    chain.doFilter(request, response);
  }

  private void reject(HttpServletRequest request, HttpServletResponse response, String detail) {
    resolver.resolveException(request, response, null, new OperatorAuthenticationException(detail));
  }
}
