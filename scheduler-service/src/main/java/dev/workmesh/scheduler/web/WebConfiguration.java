package dev.workmesh.scheduler.web;

import dev.workmesh.scheduler.config.SchedulerProperties;
import dev.workmesh.web.Problems;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Puts the operator-token check in front of {@code /schedules}, and, when dashboards are allowed to call it
 * from a browser ({@code scheduler-service.cors.allowed-origins}), CORS in front of that check: a preflight
 * is answered without a token (browsers send none with it), and every other request still needs one.
 */
@Configuration(proxyBeanMethods = false)
public class WebConfiguration {

  private static final String[] PATHS = {"/schedules", "/schedules/*"};

  @Bean
  FilterRegistrationBean<OperatorTokenFilter> operatorTokenFilter(SchedulerProperties properties,
      @Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver) {
    var registration =
        new FilterRegistrationBean<>(new OperatorTokenFilter(properties.operatorToken(), resolver));
    registration.addUrlPatterns(PATHS);
    registration.setName("operatorTokenFilter");
    registration.setOrder(Ordered.LOWEST_PRECEDENCE - 10);
    return registration;
  }

  @Bean
  FilterRegistrationBean<CorsFilter> dashboardCorsFilter(SchedulerProperties properties, Problems problems) {
    List<String> origins = properties.cors().allowedOrigins();
    var filter = new CorsFilter(dashboardCors(origins));
    filter.setCorsProcessor(new ProblemCorsProcessor(problems));
    var registration = new FilterRegistrationBean<>(filter);
    registration.addUrlPatterns(PATHS);
    registration.setName("dashboardCorsFilter");
    registration.setOrder(Ordered.LOWEST_PRECEDENCE - 20);
    registration.setEnabled(!origins.isEmpty());
    return registration;
  }

  /** What the dashboard's Schedules page does: list jobs and pause or resume one, with its bearer token. */
  private static UrlBasedCorsConfigurationSource dashboardCors(List<String> origins) {
    CorsConfiguration cors = new CorsConfiguration();
    cors.setAllowedOrigins(origins);
    cors.setAllowedMethods(List.of("GET", "POST"));
    cors.setAllowedHeaders(List.of("Authorization", "Accept", "Content-Type"));
    cors.setAllowCredentials(false);
    cors.setMaxAge(Duration.ofMinutes(10));
    var source = new UrlBasedCorsConfigurationSource();
    source.registerCorsConfiguration("/schedules", cors);
    source.registerCorsConfiguration("/schedules/**", cors);
    return source;
  }
}
