package dev.workmesh.api.web;

import dev.workmesh.core.MeshException;

/** This replica is at a configured ceiling; answered with 503 and Retry-After, so the caller backs off or goes elsewhere. */
public final class ServiceBusyException extends MeshException {

  private final long retryAfterSeconds;

  public ServiceBusyException(String message, long retryAfterSeconds) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
