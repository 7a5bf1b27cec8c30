package dev.workmesh.mcp.transport;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.workmesh.client.MeshClient;
import io.modelcontextprotocol.server.transport.HeaderAccessor;
import io.modelcontextprotocol.server.transport.ServerHttpHeaderValidator;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityException;
import io.modelcontextprotocol.spec.HttpHeaders;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Who may use {@code /mcp}, checked before the SDK sees a request, in this order:
 *
 * <ol>
 *   <li>Origin and Host against the allowed lists (the SDK's {@code DefaultServerTransportSecurityValidator};
 *       403 / 421), so a DNS-rebinding page is cut off before any token is looked at;
 *   <li>the bearer token, which mesh-api must accept (401 with {@code WWW-Authenticate}; 503 when the mesh
 *       cannot be asked);
 *   <li>the session: a session belongs to the token that initialised it, and another token presenting its
 *       id is told the session does not exist (404, the answer that makes a client start a new session).
 * </ol>
 *
 * The authenticated caller's client travels to the tools as a request attribute (see
 * {@link StreamableHttpTransport}). Error bodies are written by {@link ErrorBodySanitizer}. A request that
 * passes goes on to {@link RequestParamsValidator}.
 */
class McpRequestGuard extends OncePerRequestFilter {

  static final String CALLER_ATTRIBUTE = McpRequestGuard.class.getName() + ".caller";

  private final ServerHttpHeaderValidator originAndHost;
  private final BearerTokenAuthenticator authenticator;
  /** Session id to the fingerprint of the token that initialised it. */
  private final Cache<String, String> sessionOwners = Caffeine.newBuilder()
      .expireAfterAccess(Duration.ofHours(24))
      .maximumSize(100_000)
      .build();

  McpRequestGuard(ServerHttpHeaderValidator originAndHost, BearerTokenAuthenticator authenticator) {
    this.originAndHost = originAndHost;
    this.authenticator = authenticator;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    try {
      originAndHost.validate(headersOf(request));
    } catch (ServerTransportSecurityException e) {
      response.sendError(e.getStatusCode(), e.getStatusCode() == 403
          ? "Origin not allowed: add it to mcp-server.allowed-origins if this page may use the MCP server"
          : "Host not allowed: add it to mcp-server.allowed-hosts if clients reach the server by this name");
      return;
    }
    BearerTokenAuthenticator.Outcome outcome = authenticator.authenticate(request.getHeader("Authorization"));
    switch (outcome) {
      case BearerTokenAuthenticator.Outcome.Rejected rejected -> {
        response.setHeader("WWW-Authenticate", "Bearer realm=\"workmesh\"");
        response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "Unauthorized: " + rejected.reason());
      }
      case BearerTokenAuthenticator.Outcome.Unavailable unavailable ->
          response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, unavailable.reason());
      case BearerTokenAuthenticator.Outcome.Accepted accepted -> proceed(accepted.client(), accepted.fingerprint(),
          request, response, chain);
    }
  }

  private void proceed(MeshClient caller, String fingerprint, HttpServletRequest request,
      HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
    String sessionId = request.getHeader(HttpHeaders.MCP_SESSION_ID);
    if (sessionId != null && !fingerprint.equals(sessionOwners.getIfPresent(sessionId))) {
      response.sendError(HttpServletResponse.SC_NOT_FOUND,
          "Session not found for this token: initialize a new session");
      return;
    }
    request.setAttribute(CALLER_ATTRIBUTE, caller);
    if (sessionId == null) {
      // A new session is bound to this token the moment the SDK names it, before the answer leaves: the
      // client may use the id (its listening GET, notifications/initialized) before this filter returns.
      chain.doFilter(request, new HttpServletResponseWrapper(response) {
        @Override
        public void setHeader(String name, String value) {
          bindIfSessionHeader(name, value, fingerprint);
          super.setHeader(name, value);
        }

        @Override
        public void addHeader(String name, String value) {
          bindIfSessionHeader(name, value, fingerprint);
          super.addHeader(name, value);
        }
      });
      return;
    }
    chain.doFilter(request, response);
    if ("DELETE".equals(request.getMethod()) && response.getStatus() < 300) {
      sessionOwners.invalidate(sessionId);
    }
  }

  private void bindIfSessionHeader(String name, String value, String fingerprint) {
    if (HttpHeaders.MCP_SESSION_ID.equalsIgnoreCase(name) && value != null) {
      sessionOwners.put(value, fingerprint);
    }
  }

  private static HeaderAccessor headersOf(HttpServletRequest request) {
    return new HeaderAccessor() {
      @Override
      public List<String> getHeader(String name) {
        return Collections.list(request.getHeaders(name));
      }

      @Override
      public List<String> getHeaderNames() {
        return Collections.list(request.getHeaderNames());
      }
    };
  }
}
