package dev.workmesh.watchdog.config;

import dev.workmesh.watchdog.rescue.RescueHold;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the watchdog, under {@code watchdog-service.*} (application.yml, environment variables such as
 * {@code WATCHDOGSERVICE_STALETHRESHOLD}, or command-line flags such as {@code --watchdog-service.stale-threshold=45s}). Every field may be left out and then takes
 * its default; the thresholds left out follow {@code heartbeat-interval}. Checked once at start-up: a wrong
 * value stops the service with a message that names the key and says what is expected.
 *
 * @param heartbeatInterval how often agents heartbeat ({@code POST /work/agents/{id}/heartbeat}); default
 *     10s. Must be the workers' and MCP agents' interval: the watchdog cannot see it, it only derives the
 *     thresholds from it.
 * @param staleThreshold no heartbeat for this long: {@code connected -> unhealthy}; default 3 x
 *     heartbeat-interval (30s). At least 2 x heartbeat-interval, so one late heartbeat does not flag a
 *     healthy agent.
 * @param disconnectThreshold no heartbeat for this long: {@code connected|unhealthy -> disconnected}, and
 *     its claims are rescued without waiting for their leases; default 10 x heartbeat-interval (100s). Must
 *     exceed stale-threshold.
 * @param sweepInterval how often the leader runs the health sweep, the lease rescue and the broadcast
 *     sweep; default 1s (with +-20% jitter). A killed worker's claim is rescued within its lease plus one
 *     sweep.
 * @param rescueBatch most claims rescued per transaction; a full batch is followed by another at once;
 *     default 500, at most 10000.
 * @param healthBatch most agents moved, or broadcast targets failed, per transaction; default 500, at most
 *     10000.
 * @param leaderLeaseTerm how long the leader lease (row {@code watchdog} of {@code leader_lease}) lasts
 *     after a renewal; a crashed leader is replaced after at most this long; default 15s.
 * @param leaderLeaseMargin the leader stops acting this long before its lease would expire, to absorb clock
 *     skew between replicas; default 3s. Must be shorter than leader-lease-term, and the term minus the
 *     margin must leave room for at least 3 sweeps (the lease is renewed once per sweep).
 * @param metricsRefreshInterval how often every replica re-reads the fleet gauges ({@code mesh_agents},
 *     {@code mesh_tasks}, {@code mesh_queue_depth}, {@code mesh_oldest_ready_age_seconds}) from the
 *     database; scrapes read the last values and never query; default 15s.
 * @param migrateSchema apply mesh-core's Flyway migrations at start-up; default true (Flyway serialises
 *     concurrent migrators with a lock). Set false where another service owns the schema.
 * @param replicaId this replica's name in the leader lease and in logs; default the host name plus a
 *     random suffix, so two replicas on one host differ.
 * @param rescueHold when to hold lease rescue because most agents went silent at once
 *     ({@code watchdog-service.rescue-hold.*}, see {@link RescueHoldSettings}).
 */
@ConfigurationProperties("watchdog-service")
public record WatchdogProperties(
    Duration heartbeatInterval,
    Duration staleThreshold,
    Duration disconnectThreshold,
    Duration sweepInterval,
    Integer rescueBatch,
    Integer healthBatch,
    Duration leaderLeaseTerm,
    Duration leaderLeaseMargin,
    Duration metricsRefreshInterval,
    Boolean migrateSchema,
    String replicaId,
    RescueHoldSettings rescueHold) {

  public static final String PREFIX = "watchdog-service";
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);
  public static final int DEFAULT_STALE_HEARTBEATS = 3;
  public static final int DEFAULT_DISCONNECT_HEARTBEATS = 10;
  public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofSeconds(1);
  public static final int DEFAULT_BATCH = 500;
  public static final int MAX_BATCH = 10_000;
  public static final Duration DEFAULT_LEADER_LEASE_TERM = Duration.ofSeconds(15);
  public static final Duration DEFAULT_LEADER_LEASE_MARGIN = Duration.ofSeconds(3);
  public static final Duration DEFAULT_METRICS_REFRESH_INTERVAL = Duration.ofSeconds(15);
  public static final double DEFAULT_HOLD_SILENT_SHARE = 0.55;
  public static final int DEFAULT_HOLD_MIN_AGENTS = 3;
  public static final Duration DEFAULT_HOLD_MAX = Duration.ofMinutes(5);
  public static final int DEFAULT_HOLD_SILENT_HEARTBEATS = 2;

  /**
   * Lease rescue is held while at least {@code silentShare} of at least {@code minAgents} agents holding live
   * claims gave no sign of life for longer than {@code silentAfter}: most agents going quiet together points
   * at the control plane or the network, not at the agents.
   *
   * @param silentShare the share of silent agents that holds rescue, above 0 and at most 1; default 0.55
   * @param minAgents the fewest agents holding claims for a hold, at least 1; default 3 (below it one dead
   *     worker is already "most agents")
   * @param max the longest hold in a row; past it rescue resumes, and no new hold starts until the fleet has
   *     been found not silent once; default 5m
   * @param silentAfter no sign of life for longer than this counts as silent here; default 2 x
   *     heartbeat-interval (20s), at most stale-threshold and longer than heartbeat-interval. Shorter than the
   *     claim lease (by default the stale threshold), so that the hold is in place before the leases of a
   *     fleet cut off at once lapse.
   */
  public record RescueHoldSettings(Double silentShare, Integer minAgents, Duration max, Duration silentAfter) {

    /** The thresholds as the rescue job takes them; every field set. */
    public RescueHold.Settings settings() {
      return new RescueHold.Settings(silentShare, minAgents, max, silentAfter);
    }

    static RescueHoldSettings resolve(RescueHoldSettings given, Duration heartbeat, Duration stale,
        List<String> problems) {
      RescueHoldSettings hold = given == null ? new RescueHoldSettings(null, null, null, null) : given;
      double share = hold.silentShare() == null ? DEFAULT_HOLD_SILENT_SHARE : hold.silentShare();
      if (!(share > 0 && share <= 1)) {
        problems.add(key("rescue-hold.silent-share") + " must be above 0 and at most 1; got " + share
            + " (default " + DEFAULT_HOLD_SILENT_SHARE + ")");
      }
      int min = hold.minAgents() == null ? DEFAULT_HOLD_MIN_AGENTS : hold.minAgents();
      if (min < 1) {
        problems.add(key("rescue-hold.min-agents") + " must be at least 1; got " + min + " (default "
            + DEFAULT_HOLD_MIN_AGENTS + ")");
      }
      Duration max = positive("rescue-hold.max", hold.max(), DEFAULT_HOLD_MAX, problems);
      Duration fallback = heartbeat.multipliedBy(DEFAULT_HOLD_SILENT_HEARTBEATS);
      Duration silentAfter = positive("rescue-hold.silent-after", hold.silentAfter(),
          fallback.compareTo(stale) > 0 ? stale : fallback, problems);
      if (problems.isEmpty() && (silentAfter.compareTo(heartbeat) <= 0 || silentAfter.compareTo(stale) > 0)) {
        problems.add(key("rescue-hold.silent-after") + " (" + silentAfter + ") must be longer than "
            + key("heartbeat-interval") + " (" + heartbeat + ") and at most " + key("stale-threshold") + " (" + stale
            + "); the default is 2 x heartbeat-interval");
      }
      return new RescueHoldSettings(share, min, max, silentAfter);
    }
  }

  public WatchdogProperties {
    List<String> problems = new ArrayList<>();
    heartbeatInterval = positive("heartbeat-interval", heartbeatInterval, DEFAULT_HEARTBEAT_INTERVAL, problems);
    Duration beat = heartbeatInterval;
    staleThreshold = positive("stale-threshold", staleThreshold, beat.multipliedBy(DEFAULT_STALE_HEARTBEATS), problems);
    disconnectThreshold = positive("disconnect-threshold", disconnectThreshold,
        beat.multipliedBy(DEFAULT_DISCONNECT_HEARTBEATS), problems);
    sweepInterval = positive("sweep-interval", sweepInterval, DEFAULT_SWEEP_INTERVAL, problems);
    leaderLeaseTerm = positive("leader-lease-term", leaderLeaseTerm, DEFAULT_LEADER_LEASE_TERM, problems);
    leaderLeaseMargin = positive("leader-lease-margin", leaderLeaseMargin, DEFAULT_LEADER_LEASE_MARGIN, problems);
    metricsRefreshInterval = positive("metrics-refresh-interval", metricsRefreshInterval,
        DEFAULT_METRICS_REFRESH_INTERVAL, problems);
    rescueBatch = batch("rescue-batch", rescueBatch, problems);
    healthBatch = batch("health-batch", healthBatch, problems);
    migrateSchema = migrateSchema == null || migrateSchema;
    replicaId = replicaId == null || replicaId.isBlank() ? defaultReplicaId() : replicaId.strip();
    rescueHold = RescueHoldSettings.resolve(rescueHold, heartbeatInterval, staleThreshold, problems);

    if (problems.isEmpty()) {
      if (staleThreshold.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
        problems.add(key("stale-threshold") + " (" + staleThreshold + ") must be at least 2 x " + key("heartbeat-interval")
            + " (" + heartbeatInterval + "), or a single late heartbeat marks a healthy agent unhealthy;"
            + " the default is 3 x heartbeat-interval");
      }
      if (disconnectThreshold.compareTo(staleThreshold) <= 0) {
        problems.add(key("disconnect-threshold") + " (" + disconnectThreshold + ") must be longer than "
            + key("stale-threshold") + " (" + staleThreshold + "): an agent is unhealthy first, disconnected later;"
            + " the default is 10 x heartbeat-interval");
      }
      if (leaderLeaseMargin.compareTo(leaderLeaseTerm) >= 0) {
        problems.add(key("leader-lease-margin") + " (" + leaderLeaseMargin + ") must be shorter than "
            + key("leader-lease-term") + " (" + leaderLeaseTerm + "); defaults are 3s and 15s");
      } else if (leaderLeaseTerm.minus(leaderLeaseMargin).compareTo(sweepInterval.multipliedBy(3)) < 0) {
        problems.add(key("leader-lease-term") + " minus " + key("leader-lease-margin") + " ("
            + leaderLeaseTerm.minus(leaderLeaseMargin) + ") must be at least 3 x " + key("sweep-interval") + " (" + sweepInterval + "): the leader renews once"
            + " per sweep and must not lose its lease between two; raise leader-lease-term or shorten sweep-interval");
      }
      if (replicaId.length() > 200) {
        problems.add(key("replica-id") + " must be at most 200 characters");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Invalid watchdog configuration: " + String.join("; ", problems));
    }
  }

  /** Every default. */
  public static WatchdogProperties defaults() {
    return new WatchdogProperties(null, null, null, null, null, null, null, null, null, null, null, null);
  }

  private static String key(String name) {
    return PREFIX + "." + name;
  }

  private static Duration positive(String name, Duration value, Duration fallback, List<String> problems) {
    if (value == null) {
      return fallback;
    }
    if (value.isNegative() || value.isZero()) {
      problems.add(key(name) + " must be a positive duration such as 10s or 500ms; got " + value);
    }
    return value;
  }

  private static Integer batch(String name, Integer value, List<String> problems) {
    if (value == null) {
      return DEFAULT_BATCH;
    }
    if (value < 1 || value > MAX_BATCH) {
      problems.add(key(name) + " must be between 1 and " + MAX_BATCH + "; got " + value + " (default " + DEFAULT_BATCH + ")");
    }
    return value;
  }

  private static String defaultReplicaId() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (Exception e) {
        host = "watchdog";
      }
    }
    byte[] suffix = new byte[3];
    ThreadLocalRandom.current().nextBytes(suffix);
    return host + "-" + HexFormat.of().formatHex(suffix);
  }
}
