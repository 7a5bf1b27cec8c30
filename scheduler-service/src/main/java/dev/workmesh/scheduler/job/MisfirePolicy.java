package dev.workmesh.scheduler.job;

import java.util.Locale;

/** What a job does about scheduled instants that passed while no scheduler fired it. */
public enum MisfirePolicy {
  /**
   * Missed instants are dropped. Only a scheduled instant no older than the planner's grace fires;
   * the job then waits for its next instant. The default.
   */
  SKIP,
  /** All missed instants collapse into one fire, now, identified by the latest missed instant. */
  FIRE_ONCE;

  /** The spelling in {@code cron.toml}: {@code skip}, {@code fire_once}. */
  public String tomlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses the {@code cron.toml} spelling.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static MisfirePolicy fromToml(String value) {
    for (MisfirePolicy policy : values()) {
      if (policy.tomlName().equals(value)) {
        return policy;
      }
    }
    throw new IllegalArgumentException("expected \"skip\" or \"fire_once\", got \"" + value + "\"");
  }
}
