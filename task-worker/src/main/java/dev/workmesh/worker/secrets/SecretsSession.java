package dev.workmesh.worker.secrets;

/**
 * The right of one attempt's subagent to ask the broker for secrets, identified by an unguessable
 * id handed to the subagent as {@code MESH_SECRETS_SESSION}. Closing it makes the broker refuse
 * the id from then on.
 */
public final class SecretsSession implements AutoCloseable {

  private final String id;
  private final String attemptId;
  private final SecretsBroker broker;

  SecretsSession(String id, String attemptId, SecretsBroker broker) {
    this.id = id;
    this.attemptId = attemptId;
    this.broker = broker;
  }

  public String id() {
    return id;
  }

  public String attemptId() {
    return attemptId;
  }

  @Override
  public void close() {
    broker.closeSession(id);
  }

  @Override
  public String toString() {
    return "SecretsSession[attempt=" + attemptId + "]";
  }
}
