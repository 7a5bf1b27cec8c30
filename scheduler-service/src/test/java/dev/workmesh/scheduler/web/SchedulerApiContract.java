package dev.workmesh.scheduler.web;

import dev.workmesh.testsupport.contract.ContractValidation;
import dev.workmesh.testsupport.contract.OpenApiDocument;
import org.springframework.boot.test.context.TestConfiguration;

/** Holds every {@code /schedules} exchange of the API tests to scheduler-service's OpenAPI document. */
@TestConfiguration(proxyBeanMethods = false)
public class SchedulerApiContract extends ContractValidation {

  static final String DOCUMENT = "/openapi/scheduler-service.yaml";

  public SchedulerApiContract() {
    super(DOCUMENT, "/schedules");
  }

  static OpenApiDocument document() {
    return OpenApiDocument.load(DOCUMENT);
  }
}
