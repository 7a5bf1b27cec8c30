package dev.workmesh.scheduler.web;

import dev.workmesh.scheduler.config.SchedulerProperties;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerExceptionResolver;

/** Puts the operator-token check in front of {@code /schedules}. */
@Configuration(proxyBeanMethods = false)
public class WebConfiguration {

  @Bean
  FilterRegistrationBean<OperatorTokenFilter> operatorTokenFilter(SchedulerProperties properties,
      @Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver) {
    var registration =
        new FilterRegistrationBean<>(new OperatorTokenFilter(properties.operatorToken(), resolver));
    registration.addUrlPatterns("/schedules", "/schedules/*");
    registration.setName("operatorTokenFilter");
    return registration;
  }
}
