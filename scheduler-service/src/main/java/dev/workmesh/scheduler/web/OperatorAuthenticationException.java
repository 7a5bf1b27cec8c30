package dev.workmesh.scheduler.web;

/** A request to {@code /schedules} without the operator's bearer token; answered 401. */
final class OperatorAuthenticationException extends RuntimeException {

  OperatorAuthenticationException(String message) {
    super(message);
  }
}
