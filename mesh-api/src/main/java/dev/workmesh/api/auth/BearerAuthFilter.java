package dev.workmesh.api.auth;

import dev.workmesh.api.config.MeshApiProperties;
import dev.workmesh.web.BearerTokens;
import dev.workmesh.web.DatabaseOutageProblems;
import dev.workmesh.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates every {@code /work} request by its bearer token: the configured operator token, or an
 * agent token (stored hashed; revoked agents no longer authenticate), looked up in memory ({@link
 * AgentTokenCache}). Anything else gets 401. An agent's call is a sign of life ({@link AgentActivity}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class BearerAuthFilter extends OncePerRequestFilter {

  private static final String ATTRIBUTE = Caller.class.getName();

  private final byte[] operatorToken;
  private final AgentTokenCache agentTokens;
  private final Problems problems;
  private final AgentActivity activity;

  public BearerAuthFilter(MeshApiProperties properties, AgentTokenCache agentTokens, Problems problems,
      AgentActivity activity) {
    this.operatorToken = properties.operatorToken().getBytes(StandardCharsets.UTF_8);
    this.agentTokens = agentTokens;
    this.problems = problems;
    this.activity = activity;
  }

  /** The authenticated caller of this request. */
  public static Caller caller(HttpServletRequest request) {
    return (Caller) request.getAttribute(ATTRIBUTE);
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/work");
  }

  @Override
  protected boolean shouldNotFilterAsyncDispatch() {
    return false;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Optional<Caller> caller;
    try {
      caller = BearerTokens.from(request).flatMap(this::authenticate);
      if (caller.isPresent() && caller.get() instanceof Caller.AgentCaller agent
          && request.getDispatcherType() != jakarta.servlet.DispatcherType.ASYNC) {
        activity.seen(agent.agent());
      }
    } catch (org.springframework.dao.DataAccessException e) {
      response.setHeader("Retry-After", Integer.toString(DatabaseOutageProblems.RETRY_AFTER_SECONDS));
      problems.write(response, 503, "Service unavailable", DatabaseOutageProblems.UNAVAILABLE,
          request.getRequestURI());
      return;
    }
    if (caller.isEmpty()) {
      BearerTokens.challenge(problems, request, response, "workmesh",
          "send 'Authorization: Bearer <token>' with the operator token or an agent token (POST /work/agents"
              + " returns one); a revoked agent's token no longer works");
      return;
    }
    request.setAttribute(ATTRIBUTE, caller.get());
    chain.doFilter(request, response);
  }

  private Optional<Caller> authenticate(String token) {
    if (token.length() > 512) {
      return Optional.empty();
    }
    if (BearerTokens.sameDigest(operatorToken, token.getBytes(StandardCharsets.UTF_8))) {
      return Optional.of(new Caller.Operator());
    }
    return agentTokens.authenticate(token).map(Caller.AgentCaller::new);
  }
}
