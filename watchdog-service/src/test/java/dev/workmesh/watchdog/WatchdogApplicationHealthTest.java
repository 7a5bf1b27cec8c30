package dev.workmesh.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.MeshTestEnv;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@MeshIntegrationTest
@DirtiesContext // closed while the test database is still up, not in a JVM shutdown hook racing it
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WatchdogApplicationHealthTest {

  @DynamicPropertySource
  static void props(DynamicPropertyRegistry r) {
    MeshTestEnv.forClass(WatchdogApplicationHealthTest.class).springProperties().forEach((k, v) -> r.add(k, () -> v));
  }

  @LocalServerPort int port;

  @Test
  void reportsUpOnActuatorHealth() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"status\":\"UP\"");
  }
}
