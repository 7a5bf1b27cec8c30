package dev.workmesh.api.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workmesh.api.config.MeshApiProperties;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * The one origin besides its own that the dashboard may call, scheduler-service's: named by
 * {@code mesh-api.dashboard.scheduler-url}, allowed by the page's Content-Security-Policy and told to the page
 * by {@code /ui/settings.json}; nothing else is allowed, and nothing at all without the setting.
 */
class DashboardSchedulerOriginTest {

  @Test
  void theConfiguredSchedulerIsTheOnlyOtherOriginThePageMayCall() throws Exception {
    MeshApiProperties properties = properties("http://Scheduler.example:8083/");

    String policy = policyOf(properties);
    assertThat(directive(policy, "connect-src")).containsExactly("'self'", "http://scheduler.example:8083");
    for (String other : List.of("default-src", "script-src", "style-src", "img-src", "font-src")) {
      assertThat(directive(policy, other)).as(other).doesNotContain("http://scheduler.example:8083");
    }
    assertThat(new DashboardSettingsController(properties).settings().getBody().schedulerUrl())
        .isEqualTo("http://scheduler.example:8083");
  }

  @Test
  void withoutTheSettingThePageCallsItsOwnOriginOnly() throws Exception {
    MeshApiProperties properties = properties(null);

    assertThat(directive(policyOf(properties), "connect-src")).containsExactly("'self'");
    assertThat(new DashboardSettingsController(properties).settings().getBody().schedulerUrl()).isNull();
    assertThat(directive(policyOf(properties("  ")), "connect-src")).containsExactly("'self'");
  }

  @Test
  void aSchedulerUrlThatIsNotAnOriginStopsTheService() {
    for (String bad : List.of("localhost:8083", "ftp://localhost:8083", "http://localhost:8083/schedules",
        "http://localhost:8083?x=1", "http://user@localhost:8083", "http://localhost:8083 'unsafe-eval'",
        "javascript:alert(1)")) {
      assertThatThrownBy(() -> properties(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("mesh-api.dashboard.scheduler-url");
    }
  }

  private static MeshApiProperties properties(String schedulerUrl) {
    return new MeshApiProperties("operator-token-0123456789abcdef", null, null, null, null, null, null, null, null,
        null, null, new MeshApiProperties.Dashboard(schedulerUrl));
  }

  private static String policyOf(MeshApiProperties properties) throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/ui/index.html");
    request.setRequestURI("/ui/index.html");
    MockHttpServletResponse response = new MockHttpServletResponse();
    new DashboardHeadersFilter(properties).doFilter(request, response, new MockFilterChain());
    return response.getHeader("Content-Security-Policy");
  }

  private static List<String> directive(String policy, String name) {
    return Arrays.stream(policy.split(";")).map(String::strip).filter(d -> d.startsWith(name + " ")).findFirst()
        .map(d -> List.of(d.substring(name.length() + 1).strip().split("\\s+"))).orElseThrow();
  }
}
