package dev.workmesh.mcp.transport;

import dev.workmesh.client.MeshClient;
import dev.workmesh.mcp.config.McpServerProperties;
import dev.workmesh.mcp.config.MeshClients;
import dev.workmesh.mcp.resources.TaskSubscriptions;
import dev.workmesh.mcp.tools.MeshCallerResolver;
import dev.workmesh.mcp.tools.MeshToolCatalog;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Streamable HTTP at {@code /mcp} (the default transport). Many clients, each acting as the caller whose
 * bearer token authenticated the request: agent tokens act as their agent, the operator token as the
 * operator. In front of the SDK's servlet: {@link ErrorBodySanitizer}, then {@link McpRequestGuard}, then
 * {@link RequestParamsValidator}, then {@link SseEventIds}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
public class StreamableHttpTransport {

  /** Where MCP clients connect. */
  public static final String ENDPOINT = "/mcp";

  private static final String CALLER = "workmesh.caller";

  /** DNS-rebinding protection: Origin and Host against the configured lists. */
  @Bean
  DefaultServerTransportSecurityValidator mcpOriginAndHostValidator(McpServerProperties properties) {
    return DefaultServerTransportSecurityValidator.builder()
        .allowedOrigins(properties.allowedOrigins())
        .allowedHosts(properties.allowedHosts())
        .build();
  }

  @Bean
  HttpServletStreamableServerTransportProvider mcpTransport(DefaultServerTransportSecurityValidator validator) {
    return HttpServletStreamableServerTransportProvider.builder()
        .jsonMapper(MeshMcpServer.jsonMapper())
        .mcpEndpoint(ENDPOINT)
        .maxRequestSize(RequestParamsValidator.MAX_BODY)
        // The guard has checked these already; the SDK checks again so the servlet is never unprotected.
        .httpHeaderValidator(validator)
        // The caller the guard authenticated, handed to the tools through the exchange's transport context.
        .contextExtractor(request -> request.getAttribute(McpRequestGuard.CALLER_ATTRIBUTE) instanceof MeshClient c
            ? McpTransportContext.create(Map.of(CALLER, c))
            : McpTransportContext.EMPTY)
        .build();
  }

  @Bean
  TaskSubscriptions mcpTaskSubscriptions() {
    return new TaskSubscriptions();
  }

  @Bean(destroyMethod = "closeGracefully")
  McpSyncServer mcpServer(HttpServletStreamableServerTransportProvider transport, MeshToolCatalog catalog,
      TaskSubscriptions subscriptions) {
    MeshCallerResolver callers = exchange -> {
      if (exchange.transportContext().get(CALLER) instanceof MeshClient client) {
        return client;
      }
      throw new IllegalStateException("no authenticated caller on this MCP request");
    };
    McpSyncServer server = MeshMcpServer.build(McpServer.sync(transport), catalog, callers, true);
    subscriptions.notifyThrough(server);
    return server;
  }

  /** The SDK's servlet; async support is required for its SSE responses. */
  @Bean
  ServletRegistrationBean<HttpServletStreamableServerTransportProvider> mcpServlet(
      HttpServletStreamableServerTransportProvider transport) {
    ServletRegistrationBean<HttpServletStreamableServerTransportProvider> registration =
        new ServletRegistrationBean<>(transport, ENDPOINT);
    registration.setName("mcp");
    registration.setAsyncSupported(true);
    registration.setLoadOnStartup(1);
    return registration;
  }

  @Bean
  FilterRegistrationBean<ErrorBodySanitizer> mcpErrorBodySanitizer() {
    FilterRegistrationBean<ErrorBodySanitizer> registration = new FilterRegistrationBean<>(new ErrorBodySanitizer());
    registration.addUrlPatterns(ENDPOINT);
    registration.setAsyncSupported(true);
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  @Bean
  FilterRegistrationBean<McpRequestGuard> mcpRequestGuard(DefaultServerTransportSecurityValidator validator,
      MeshClients clients, McpServerProperties properties) {
    FilterRegistrationBean<McpRequestGuard> registration = new FilterRegistrationBean<>(
        new McpRequestGuard(validator, new BearerTokenAuthenticator(clients, properties)));
    registration.addUrlPatterns(ENDPOINT);
    registration.setAsyncSupported(true);
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
    return registration;
  }

  @Bean
  FilterRegistrationBean<RequestParamsValidator> mcpRequestParamsValidator(TaskSubscriptions subscriptions) {
    FilterRegistrationBean<RequestParamsValidator> registration =
        new FilterRegistrationBean<>(new RequestParamsValidator(subscriptions));
    registration.addUrlPatterns(ENDPOINT);
    registration.setAsyncSupported(true);
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
    return registration;
  }

  @Bean
  FilterRegistrationBean<SseEventIds> mcpSseEventIds() {
    FilterRegistrationBean<SseEventIds> registration = new FilterRegistrationBean<>(new SseEventIds());
    registration.addUrlPatterns(ENDPOINT);
    registration.setAsyncSupported(true);
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 3);
    return registration;
  }
}
