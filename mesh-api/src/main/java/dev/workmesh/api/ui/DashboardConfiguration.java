package dev.workmesh.api.ui;

import java.time.Duration;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves the dashboard, plain ES modules and CSS from {@code classpath:/dashboard/}, at {@code /ui/}. The
 * files hold no data and are served without a token; every piece of data the page shows comes from the
 * authenticated {@code /work} API, called with the bearer token the user signed in with.
 */
@Configuration
class DashboardConfiguration implements WebMvcConfigurer {

  static final String PATH = "/ui/";

  @Override
  public void addResourceHandlers(ResourceHandlerRegistry registry) {
    registry.addResourceHandler(PATH + "**")
        .addResourceLocations("classpath:/dashboard/")
        .setCacheControl(CacheControl.maxAge(Duration.ofMinutes(5)).cachePrivate());
  }

  @Override
  public void addViewControllers(ViewControllerRegistry registry) {
    registry.addRedirectViewController("/ui", PATH);
    registry.addViewController(PATH).setViewName("forward:" + PATH + "index.html");
  }
}
