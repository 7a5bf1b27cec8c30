package dev.workmesh.api.config;

import dev.workmesh.api.web.WholeResponseFilter;
import dev.workmesh.web.BodySizeLimitFilter;
import dev.workmesh.web.Problems;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The body-size limit in front of every other filter, so that no large body is read before it; then the
 * filter that sends an answer whole, with its length ({@link WholeResponseFilter}).
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

  @Bean
  FilterRegistrationBean<BodySizeLimitFilter> bodySizeLimitFilter(MeshApiProperties properties, Problems problems) {
    var registration = new FilterRegistrationBean<>(
        new BodySizeLimitFilter(properties.maxBodySize().toBytes(), "mesh-api.max-body-size", problems));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  @Bean
  FilterRegistrationBean<WholeResponseFilter> wholeResponseFilter() {
    var registration = new FilterRegistrationBean<>(new WholeResponseFilter());
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
    return registration;
  }
}
