package dev.workmesh.scheduler.web;

import dev.workmesh.web.StatusException;
import java.util.Map;

/** A request parameter out of range; answered 400 with the message. */
final class InvalidRequestException extends StatusException {

  private final String parameter;

  InvalidRequestException(String parameter, String message) {
    super(400, "Invalid request", parameter + ": " + message);
    this.parameter = parameter;
  }

  String parameter() {
    return parameter;
  }

  @Override
  public Map<String, Object> properties() {
    return Map.of("parameter", parameter);
  }
}
