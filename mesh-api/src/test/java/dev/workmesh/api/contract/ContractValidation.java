package dev.workmesh.api.contract;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/** Puts {@link ContractRecordingFilter} in front of every other filter of the API under test. */
@TestConfiguration(proxyBeanMethods = false)
public class ContractValidation {

  @Bean
  FilterRegistrationBean<ContractRecordingFilter> contractRecordingFilter() {
    var registration = new FilterRegistrationBean<>(new ContractRecordingFilter());
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    registration.addUrlPatterns("/work/*");
    return registration;
  }
}
