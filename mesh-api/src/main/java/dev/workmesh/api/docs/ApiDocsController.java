package dev.workmesh.api.docs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Serves the OpenAPI 3.1 document of this API, {@code openapi/mesh-api.yaml}, at {@code /v3/api-docs}
 * (JSON) and {@code /v3/api-docs.yaml}. The document is written by hand and held to the server by the test
 * suites, which validate every request and response they make against it; it is outside {@code /work}, so
 * reading it needs no token (it holds no data, only the API's shape).
 */
@RestController
class ApiDocsController {

  static final String RESOURCE = "/openapi/mesh-api.yaml";

  private final String yaml;
  private final byte[] json;

  ApiDocsController() {
    try (InputStream in = ApiDocsController.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the OpenAPI document " + RESOURCE + " is missing from the classpath");
      }
      this.yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.json = JsonMapper.shared().writeValueAsBytes(new YAMLMapper().readTree(yaml));
  }

  @GetMapping(path = "/v3/api-docs", produces = MediaType.APPLICATION_JSON_VALUE)
  byte[] json() {
    return json;
  }

  @GetMapping(path = "/v3/api-docs.yaml", produces = "application/yaml")
  String yaml() {
    return yaml;
  }
}
