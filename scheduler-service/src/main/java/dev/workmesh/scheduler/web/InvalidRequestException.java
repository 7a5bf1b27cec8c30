package dev.workmesh.scheduler.web;

/** A request parameter out of range; answered 400 with the message. */
final class InvalidRequestException extends RuntimeException {

  private final String parameter;

  InvalidRequestException(String parameter, String message) {
    super(parameter + ": " + message);
    this.parameter = parameter;
  }

  String parameter() {
    return parameter;
  }
}
