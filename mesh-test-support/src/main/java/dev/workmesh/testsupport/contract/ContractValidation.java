package dev.workmesh.testsupport.contract;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * Puts a {@link ContractRecordingFilter} for a service's own OpenAPI document in front of every other filter
 * of the service under test. A module's tests import a {@code @TestConfiguration} subclass that names its
 * document and path prefix, and read the violations from the {@link ContractRecordingFilter} bean.
 */
public abstract class ContractValidation {

  private final ContractRecordingFilter filter;

  /**
   * @param documentResource the document on the classpath, e.g. {@code /openapi/mesh-api.yaml}
   * @param pathPrefix the requests held to it, e.g. {@code /work}
   */
  protected ContractValidation(String documentResource, String pathPrefix) {
    this.filter = new ContractRecordingFilter(OpenApiDocument.load(documentResource), pathPrefix);
  }

  @Bean
  ContractRecordingFilter contractRecordingFilter() {
    return filter;
  }

  @Bean
  FilterRegistrationBean<ContractRecordingFilter> contractRecordingFilterRegistration() {
    var registration = new FilterRegistrationBean<>(filter);
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    registration.addUrlPatterns(filter.pathPrefix() + "/*");
    return registration;
  }
}
