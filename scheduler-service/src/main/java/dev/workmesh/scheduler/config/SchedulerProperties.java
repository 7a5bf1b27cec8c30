package dev.workmesh.scheduler.config;

import dev.workmesh.web.WebOrigins;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Every setting of scheduler-service, under the prefix {@code scheduler-service}. Validated when the
 * service starts: a bad value stops it with a message naming the key and what it expects.
 *
 * @param jobsFile the {@code cron.toml} job file. Default {@code ./cron.toml}. A missing file means
 *     no jobs (with a warning), so the service can start before the file exists.
 * @param defaultTimeZone IANA zone of cron jobs whose file sets neither {@code time_zone} nor {@code
 *     default_time_zone}. Default {@code UTC}.
 * @param tickInterval how often every replica looks for due fires. Default {@code 1s}. A fire
 *     happens at most this late (plus jitter of a fifth).
 * @param misfireGrace how late a scheduled instant may still fire under {@code misfire = "skip"}.
 *     Default {@code 1m}; must exceed {@code tick-interval}.
 * @param fileWatchInterval how often the job file is checked for changes (by content hash). Default
 *     {@code 5s}.
 * @param fireRetention fire records older than this are deleted, except each job's latest scheduled
 *     fire, which anchors its schedule. Default {@code 30d}.
 * @param fireGcInterval how often the leader deletes old fire records. Default {@code 1h}.
 * @param fireGcBatch fire records deleted per statement. Default {@code 1000}.
 * @param operatorToken the bearer token operators send to every {@code /schedules} endpoint.
 *     Required, no default.
 * @param leaderLeaseTerm how long the maintenance leader's lease lasts without renewal; a crashed
 *     leader is replaced within this. Default {@code 15s}.
 * @param leaderLeaseMargin how long before its expiry a leader stops trusting its lease (clock skew
 *     allowance). Default {@code 3s}; must be shorter than the term.
 * @param maintenanceInterval how often the maintenance loop renews the lease and runs its jobs.
 *     Default {@code 1s}; at most half of {@code term - margin}, so renewals land well in time.
 * @param promoteBatch pending tasks promoted to ready per statement. Default {@code 500}.
 * @param redispatchAfter a ready task whose last dispatch record is older than this gets a new one.
 *     Default {@code 30s}.
 * @param redispatchBatch ready tasks re-dispatched per statement. Default {@code 500}.
 * @param replicaId this replica's name in fire records and the leader lease. Default: the host name
 *     plus a random suffix, so two replicas on one host differ.
 * @param cors which web pages (the mesh-api dashboard) may call {@code /schedules} from a browser.
 */
@ConfigurationProperties("scheduler-service")
public record SchedulerProperties(
    @DefaultValue("./cron.toml") Path jobsFile,
    @DefaultValue("UTC") String defaultTimeZone,
    @DefaultValue("1s") Duration tickInterval,
    @DefaultValue("1m") Duration misfireGrace,
    @DefaultValue("5s") Duration fileWatchInterval,
    @DefaultValue("30d") Duration fireRetention,
    @DefaultValue("1h") Duration fireGcInterval,
    @DefaultValue("1000") int fireGcBatch,
    String operatorToken,
    @DefaultValue("15s") Duration leaderLeaseTerm,
    @DefaultValue("3s") Duration leaderLeaseMargin,
    @DefaultValue("1s") Duration maintenanceInterval,
    @DefaultValue("500") int promoteBatch,
    @DefaultValue("30s") Duration redispatchAfter,
    @DefaultValue("500") int redispatchBatch,
    String replicaId,
    @DefaultValue Cors cors) {

  static final String PREFIX = "scheduler-service.";

  public SchedulerProperties {
    List<String> problems = new ArrayList<>();
    if (operatorToken == null || operatorToken.isBlank()) {
      problems.add(PREFIX + "operator-token is required: set it (or the environment variable"
          + " SCHEDULER_SERVICE_OPERATOR_TOKEN) to a long random secret, e.g. the output of"
          + " 'openssl rand -base64 32'; operators send it as 'Authorization: Bearer <token>'");
    }
    int beforeValues = problems.size();
    positive(problems, "tick-interval", tickInterval, "1s");
    positive(problems, "misfire-grace", misfireGrace, "1m");
    positive(problems, "file-watch-interval", fileWatchInterval, "5s");
    positive(problems, "fire-retention", fireRetention, "30d");
    positive(problems, "fire-gc-interval", fireGcInterval, "1h");
    positive(problems, "leader-lease-term", leaderLeaseTerm, "15s");
    positive(problems, "leader-lease-margin", leaderLeaseMargin, "3s");
    positive(problems, "maintenance-interval", maintenanceInterval, "1s");
    positive(problems, "redispatch-after", redispatchAfter, "30s");
    atLeastOne(problems, "fire-gc-batch", fireGcBatch, 1000);
    atLeastOne(problems, "promote-batch", promoteBatch, 500);
    atLeastOne(problems, "redispatch-batch", redispatchBatch, 500);
    if (problems.size() == beforeValues) { // each value is valid on its own: check them together
      if (misfireGrace.compareTo(tickInterval) <= 0) {
        problems.add(PREFIX + "misfire-grace (" + misfireGrace + ") must be longer than " + PREFIX
            + "tick-interval (" + tickInterval + "), or jobs with misfire = \"skip\" could miss every fire;"
            + " raise the grace or shorten the tick");
      }
      if (leaderLeaseMargin.compareTo(leaderLeaseTerm) >= 0) {
        problems.add(PREFIX + "leader-lease-margin (" + leaderLeaseMargin + ") must be shorter than " + PREFIX
            + "leader-lease-term (" + leaderLeaseTerm + ")");
      } else if (maintenanceInterval.multipliedBy(2).compareTo(leaderLeaseTerm.minus(leaderLeaseMargin)) > 0) {
        problems.add(PREFIX + "maintenance-interval (" + maintenanceInterval + ") must be at most half of"
            + " leader-lease-term minus leader-lease-margin (" + leaderLeaseTerm.minus(leaderLeaseMargin)
            + "), or the leader would lose its lease between two renewals; shorten the interval or lengthen"
            + " the term");
      }
    }
    try {
      ZoneId.of(defaultTimeZone);
    } catch (DateTimeException e) {
      problems.add(PREFIX + "default-time-zone: expected an IANA zone id such as \"UTC\" or \"Europe/Paris\", got \""
          + defaultTimeZone + "\"");
    }
    if (replicaId == null || replicaId.isBlank()) {
      replicaId = defaultReplicaId();
    } else if (replicaId.length() > 200) {
      problems.add(PREFIX + "replica-id must be at most 200 characters");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /**
   * @param allowedOrigins origins of dashboards, e.g. {@code http://localhost:8080}, whose pages may call
   *     {@code /schedules} from a browser (CORS, preflight included). Default empty: none. Only these exact
   *     origins get CORS headers, for the methods and headers the dashboard uses; the operator token is
   *     checked as for any other caller.
   */
  public record Cors(@DefaultValue List<String> allowedOrigins) {
    public Cors {
      allowedOrigins = allowedOrigins == null ? List.of() : allowedOrigins.stream()
          .filter(origin -> !origin.isBlank())
          .map(origin -> WebOrigins.parse(PREFIX + "cors.allowed-origins", origin))
          .distinct().toList();
    }
  }

  /** The validated {@link #defaultTimeZone()}. */
  public ZoneId zone() {
    return ZoneId.of(defaultTimeZone);
  }

  @Override
  public String toString() {
    return "SchedulerProperties[jobsFile=" + jobsFile + ", replicaId=" + replicaId + ", operatorToken=(hidden)]";
  }

  private static void positive(List<String> problems, String key, Duration value, String example) {
    if (value == null || value.isNegative() || value.isZero()) {
      problems.add(PREFIX + key + " must be a positive duration such as \"" + example + "\", got " + value);
    }
  }

  private static void atLeastOne(List<String> problems, String key, int value, int example) {
    if (value < 1) {
      problems.add(PREFIX + key + " must be at least 1 (default " + example + "), got " + value);
    }
  }

  private static String defaultReplicaId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "scheduler";
    }
    byte[] suffix = new byte[3];
    ThreadLocalRandom.current().nextBytes(suffix);
    return host + "-" + HexFormat.of().formatHex(suffix);
  }
}
