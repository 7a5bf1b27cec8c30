package dev.workmesh.api.contract;

import dev.workmesh.testsupport.contract.ContractValidation;
import dev.workmesh.testsupport.contract.OpenApiDocument;
import org.springframework.boot.test.context.TestConfiguration;

/** Holds every {@code /work} exchange of the API tests to mesh-api's OpenAPI document. */
@TestConfiguration(proxyBeanMethods = false)
public class MeshApiContract extends ContractValidation {

  public static final String DOCUMENT = "/openapi/mesh-api.yaml";

  public MeshApiContract() {
    super(DOCUMENT, "/work");
  }

  /** mesh-api's document. */
  public static OpenApiDocument document() {
    return OpenApiDocument.load(DOCUMENT);
  }
}
