package dev.workmesh.core.agent;

import java.util.Locale;

/** Health of an agent, from its heartbeats; revoked is final. */
public enum AgentStatus {
  CONNECTED,
  /** No heartbeat for the stale threshold (3 heartbeat intervals by default). */
  UNHEALTHY,
  /** No heartbeat for much longer; its claims are rescued without waiting for their leases. */
  DISCONNECTED,
  /** Its token no longer works; its claims went back to others. */
  REVOKED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AgentStatus fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
