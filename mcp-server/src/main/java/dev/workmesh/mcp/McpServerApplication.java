package dev.workmesh.mcp;

import dev.workmesh.mcp.transport.StdioStreams;
import dev.workmesh.mcp.transport.StdioTransport;
import java.util.Arrays;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The MCP server: Workmesh's tools for agents, over Streamable HTTP (default) or stdio ({@code --stdio}).
 * It is a client of mesh-api and never touches the database or Kafka; those auto-configurations are
 * excluded so that it can share a classpath with the control plane (mesh-devstack, tests).
 *
 * <p>Its configuration file is {@code mcp-server.yml} ({@code spring.config.name=mcp-server}), not
 * {@code application.yml}, for the same reason: in one JVM every service must find its own file.
 */
@SpringBootApplication(excludeName = {
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
    "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration"})
@ConfigurationPropertiesScan
public class McpServerApplication {

  /** The command-line switch for stdio mode: {@code java -jar mcp-server-exec.jar --stdio}. */
  public static final String STDIO_FLAG = "--stdio";

  public static void main(String[] args) throws InterruptedException {
    boolean stdio = Arrays.asList(args).contains(STDIO_FLAG);
    if (stdio) {
      // Before anything can log or print: stdout belongs to the protocol alone.
      StdioStreams.claim();
    }
    ConfigurableApplicationContext context = builder(stdio).run(args);
    if (stdio) {
      context.getBean(StdioTransport.class).awaitEndOfInput();
      System.exit(SpringApplication.exit(context));
    }
  }

  /** The application as main starts it; tests start it the same way. */
  public static SpringApplicationBuilder builder(boolean stdio) {
    SpringApplicationBuilder builder = new SpringApplicationBuilder(McpServerApplication.class)
        .properties("spring.config.name=mcp-server");
    if (stdio) {
      // No web server, no banner: the stdio transport (StdioTransport) runs instead of /mcp.
      builder.web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF);
    }
    return builder;
  }
}
