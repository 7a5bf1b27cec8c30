package dev.workmesh.web;

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
 * Serves a service's hand-written OpenAPI 3.1 document, a YAML resource on its classpath, at {@code
 * /v3/api-docs} (JSON) and {@code /v3/api-docs.yaml}. Each service registers one as a bean with its own
 * resource; its test suites hold the server to the document. The paths are outside the APIs' token-guarded
 * prefixes: the document holds no data, only the API's shape.
 */
@RestController
public class OpenApiDocumentController {

  private final String yaml;
  private final byte[] json;

  public OpenApiDocumentController(String resource) {
    try (InputStream in = OpenApiDocumentController.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the OpenAPI document " + resource + " is missing from the classpath");
      }
      this.yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.json = JsonMapper.shared().writeValueAsBytes(new YAMLMapper().readTree(yaml));
  }

  @GetMapping(path = "/v3/api-docs", produces = MediaType.APPLICATION_JSON_VALUE)
  public byte[] json() {
    return json;
  }

  @GetMapping(path = "/v3/api-docs.yaml", produces = "application/yaml")
  public String yaml() {
    return yaml;
  }
}
