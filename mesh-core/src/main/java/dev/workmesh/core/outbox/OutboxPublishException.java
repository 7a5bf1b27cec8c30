package dev.workmesh.core.outbox;

import dev.workmesh.core.MeshException;

/** Kafka did not take a batch of outbox rows; they stay unpublished and are sent again. */
public final class OutboxPublishException extends MeshException {

  public OutboxPublishException(String message, Throwable cause) {
    super(message, cause);
  }
}
