package dev.workmesh.api.docs;

import dev.workmesh.web.OpenApiDocumentController;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** mesh-api's OpenAPI document, {@code openapi/mesh-api.yaml}, served at {@code /v3/api-docs}. */
@Configuration(proxyBeanMethods = false)
class ApiDocs {

  @Bean
  OpenApiDocumentController openApiDocument() {
    return new OpenApiDocumentController("/openapi/mesh-api.yaml");
  }
}
