package dev.workmesh.scheduler.fire;

import java.util.Locale;

/** Why a fire happened: its schedule came, or an operator asked ({@code POST /schedules/{name}/trigger}). */
public enum FireTrigger {
  SCHEDULE,
  MANUAL;

  /** The value of {@code schedule_fire.trigger}: {@code schedule} or {@code manual}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static FireTrigger fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
