package dev.workmesh.web;

import org.apache.catalina.core.StandardHost;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every Workmesh HTTP service gets by depending on mesh-web: problem+json from every layer (its
 * controllers, Spring MVC, the {@code /error} forward and Tomcat itself), strict JSON and strict UUIDs,
 * a JSON {@code null} body refused, and a 503 with Retry-After while the database is out (services
 * with a database). Runs before Spring Boot's error handling so that its error controller wins.
 */
@AutoConfiguration(beforeName = {"org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration",
    "org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration"},
    afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class MeshWebAutoConfiguration {

  @Bean
  JsonMapperBuilderCustomizer strictJsonMapper() {
    return StrictJsonMapper::configure;
  }

  @Bean
  Problems problems(JsonMapper json) {
    return new Problems(json);
  }

  @Bean
  JsonBodies jsonBodies(JsonMapper json) {
    return new JsonBodies(json);
  }

  @Bean
  ProblemHandler problemHandler() {
    return new ProblemHandler();
  }

  @Bean
  NullBodyRefusal nullBodyRefusal() {
    return new NullBodyRefusal();
  }

  @Bean
  ProblemErrorController problemErrorController() {
    return new ProblemErrorController();
  }

  /** A post-processor of Spring MVC's handler adapter: static, so that it does not make this configuration early. */
  @Bean
  static StrictParameters strictParameters() {
    return new StrictParameters();
  }

  /** Tomcat's own error answers (a header over the limit, a bad request line) as problem+json too. */
  @Bean
  WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> problemErrorReportValve() {
    return factory -> factory.addContextCustomizers((TomcatContextCustomizer) context -> {
      if (context.getParent() instanceof StandardHost host) {
        host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
      }
    });
  }

  /** The 503 of a database outage, where there is a database. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.jdbc.CannotGetJdbcConnectionException")
  static class DatabaseOutage {
    @Bean
    DatabaseOutageProblems databaseOutageProblems() {
      return new DatabaseOutageProblems();
    }
  }
}
