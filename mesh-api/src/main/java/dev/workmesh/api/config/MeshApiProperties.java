package dev.workmesh.api.config;

import dev.workmesh.web.WebOrigins;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Every setting of mesh-api, under the prefix {@code mesh-api}. Defaults are given per field; invalid
 * values stop the service at start-up with a message that names the key.
 *
 * @param operatorToken the operator's bearer token: may do everything (required; at least 24 characters)
 * @param lease how long a claim holds without a heartbeat (default 30s); workers heartbeat at a third of it
 * @param maxBodySize largest request body accepted (default 1MB); larger gets 413
 * @param maxClaimWait longest long-poll of {@code POST /work/claims} (default 60s)
 * @param longPoll how many long-polls this replica holds, and how many of them may use the database at once
 * @param submitRate submissions per agent (operators are not limited)
 * @param relay the outbox relay to Kafka
 * @param kafka topics and the events feed
 * @param retry backoff of failed attempts
 * @param agentActivityWrite how often, at most, one agent's calls renew its sign of life in the database
 *     (default 5s): every authenticated call of an agent keeps it connected, and a busy agent costs one
 *     UPDATE per interval, not one per request. Keep it well below the watchdog's stale threshold.
 * @param queueHistory the per-pool queue samples the dashboard charts
 * @param dashboard what the dashboard at {@code /ui/} may reach besides this service
 */
@ConfigurationProperties("mesh-api")
public record MeshApiProperties(
    String operatorToken,
    Duration lease,
    DataSize maxBodySize,
    Duration maxClaimWait,
    LongPoll longPoll,
    SubmitRate submitRate,
    Relay relay,
    Kafka kafka,
    Retry retry,
    Duration agentActivityWrite,
    QueueHistory queueHistory,
    Dashboard dashboard) {

  public MeshApiProperties {
    if (operatorToken == null || operatorToken.isBlank()) {
      throw new IllegalArgumentException("mesh-api.operator-token is not set: set it (or MESH_API_OPERATOR_TOKEN) to a"
          + " random secret of at least 24 characters, e.g. the output of 'openssl rand -hex 24'");
    }
    if (operatorToken.length() < 24) {
      throw new IllegalArgumentException("mesh-api.operator-token is too short: use at least 24 random characters");
    }
    lease = orDefault(lease, Duration.ofSeconds(30));
    if (lease.compareTo(Duration.ofSeconds(3)) < 0) {
      throw new IllegalArgumentException("mesh-api.lease must be at least 3s, got " + lease);
    }
    maxBodySize = maxBodySize == null ? DataSize.ofMegabytes(1) : maxBodySize;
    maxClaimWait = orDefault(maxClaimWait, Duration.ofSeconds(60));
    longPoll = longPoll == null ? new LongPoll(null, null, null) : longPoll;
    submitRate = submitRate == null ? new SubmitRate(null, null) : submitRate;
    relay = relay == null ? new Relay(null, null, null) : relay;
    kafka = kafka == null ? new Kafka(null, null, null, null) : kafka;
    retry = retry == null ? new Retry(null, null) : retry;
    agentActivityWrite = orDefault(agentActivityWrite, Duration.ofSeconds(5));
    queueHistory = queueHistory == null ? new QueueHistory(null, null) : queueHistory;
    dashboard = dashboard == null ? new Dashboard(null) : dashboard;
    if (agentActivityWrite.isNegative() || agentActivityWrite.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("mesh-api.agent-activity-write must be between 0s and 1m, got "
          + agentActivityWrite);
    }
  }

  /**
   * A waiting claim parks a virtual thread (no platform thread) and holds its connection, about 110 KiB of heap
   * with Tomcat's buffers (see docs/reliability.md for the measured figure); its database work shares a few
   * connections, so a storm of long-polls leaves the pool to other requests.
   *
   * @param maxWaiting long-polls ({@code POST /work/claims} with {@code wait_seconds > 0}) this replica holds at
   *     once (default 10000); one more gets 503 with Retry-After instead of queueing. {@code
   *     server.tomcat.max-connections} (16384 by default here) must be at least this plus 1024, or the service
   *     does not start.
   * @param databaseConcurrency how many long-polls may run a claim or diagnosis query at once (default 8); keep
   *     it below {@code spring.datasource.hikari.maximum-pool-size} (20), so plain requests find a connection
   * @param strandedAfter how long a pooled task stays ready after its dispatch record before {@code GET
   *     /work/pools/stranded} calls it stranded and wakes the workers waiting there (default 2s, 100ms to 1h)
   */
  public record LongPoll(Integer maxWaiting, Integer databaseConcurrency, Duration strandedAfter) {
    public LongPoll {
      maxWaiting = inRange("long-poll.max-waiting", maxWaiting, 10_000, 0, Integer.MAX_VALUE);
      databaseConcurrency = inRange("long-poll.database-concurrency", databaseConcurrency, 8, 1, Integer.MAX_VALUE);
      strandedAfter = orDefault(strandedAfter, Duration.ofSeconds(2));
      if (strandedAfter.compareTo(Duration.ofMillis(100)) < 0 || strandedAfter.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("mesh-api.long-poll.stranded-after must be between 100ms and 1h, got "
            + strandedAfter);
      }
    }
  }

  /**
   * @param perSecond submissions an agent may make per second (default 200); a batch counts per task
   * @param burst how many above the rate an agent may submit at once (default 1000)
   */
  public record SubmitRate(Integer perSecond, Integer burst) {
    public SubmitRate {
      perSecond = inRange("submit-rate.per-second", perSecond, 200, 1, Integer.MAX_VALUE);
      burst = inRange("submit-rate.burst", burst, 1000, 1, Integer.MAX_VALUE);
    }
  }

  /**
   * @param batchSize rows per Kafka batch (default 500)
   * @param pollInterval how often the relay looks for rows when no notification woke it (default 1s)
   * @param sendTimeout how long Kafka may take to acknowledge a batch (default 10s)
   */
  public record Relay(Integer batchSize, Duration pollInterval, Duration sendTimeout) {
    public Relay {
      batchSize = inRange("relay.batch-size", batchSize, 500, 1, 10_000);
      pollInterval = orDefault(pollInterval, Duration.ofSeconds(1));
      sendTimeout = orDefault(sendTimeout, Duration.ofSeconds(10));
    }
  }

  /**
   * @param topicPrefix prepended to every topic name (default empty; also read from workmesh.kafka.topic-prefix)
   * @param partitions partitions of each topic created at start-up (default 6)
   * @param eventsReplay how far back a new API replica reads task events to serve SSE resumes (default 15m)
   * @param eventsBuffer task events kept in memory for SSE resumes (default 10000)
   */
  public record Kafka(String topicPrefix, Integer partitions, Duration eventsReplay, Integer eventsBuffer) {
    public Kafka {
      topicPrefix = topicPrefix == null ? "" : topicPrefix;
      partitions = inRange("kafka.partitions", partitions, 6, 1, Integer.MAX_VALUE);
      eventsReplay = orDefault(eventsReplay, Duration.ofMinutes(15));
      eventsBuffer = eventsBuffer == null ? 10_000 : eventsBuffer;
    }
  }

  /**
   * @param base first retry delay ceiling (default 1s); full jitter picks uniformly below the ceiling
   * @param cap largest retry delay (default 5m)
   */
  public record Retry(Duration base, Duration cap) {
    public Retry {
      base = orDefault(base, Duration.ofSeconds(1));
      cap = orDefault(cap, Duration.ofMinutes(5));
      if (cap.compareTo(base) < 0) {
        throw new IllegalArgumentException("mesh-api.retry.cap (" + cap + ") must not be below retry.base (" + base + ")");
      }
    }
  }

  /**
   * @param interval how often each pool's queue depth and oldest ready age are sampled (default 30s)
   * @param window how far back samples are kept, in memory, by each mesh-api replica (default 1h)
   */
  public record QueueHistory(Duration interval, Duration window) {
    public QueueHistory {
      interval = orDefault(interval, Duration.ofSeconds(30));
      window = orDefault(window, Duration.ofHours(1));
      if (interval.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(interval) < 0
          || window.dividedBy(interval) > 10_000) {
        throw new IllegalArgumentException("mesh-api.queue-history.interval must be at least 1s and window at least"
            + " one interval and at most 10000 of them; got interval " + interval + ", window " + window);
      }
    }
  }

  /**
   * @param schedulerUrl the origin of scheduler-service as the operator's browser reaches it, e.g.
   *     {@code http://localhost:8083} (default empty: the dashboard has no Schedules page). When set, the
   *     dashboard's Content-Security-Policy lets the page call exactly this origin, and the page shows the
   *     scheduler's jobs with the same operator token; scheduler-service must allow this dashboard's origin
   *     in {@code scheduler-service.cors.allowed-origins}.
   */
  public record Dashboard(String schedulerUrl) {
    public Dashboard {
      schedulerUrl = schedulerUrl == null || schedulerUrl.isBlank()
          ? "" : WebOrigins.parse("mesh-api.dashboard.scheduler-url", schedulerUrl);
    }

    /** Whether the dashboard has a scheduler to show. */
    public boolean hasScheduler() {
      return !schedulerUrl.isEmpty();
    }
  }

  private static Duration orDefault(Duration value, Duration fallback) {
    return value == null ? fallback : value;
  }

  /** {@code value}, or {@code fallback} when unset; refused, naming the key, outside {@code [min, max]}. */
  private static int inRange(String key, Integer value, int fallback, int min, int max) {
    int chosen = value == null ? fallback : value;
    if (chosen < min || chosen > max) {
      String range = max == Integer.MAX_VALUE ? "at least " + min : "between " + min + " and " + max;
      throw new IllegalArgumentException("mesh-api." + key + " must be " + range + ", got " + chosen);
    }
    return chosen;
  }
}
