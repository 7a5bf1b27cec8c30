package dev.workmesh.core.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to PostgreSQL notifications on one dedicated connection and hands each to the subscribers of
 * its channel. Reconnects with backoff when the database goes away; subscribers should also poll on a
 * slow timer, since notifications sent while disconnected are lost.
 *
 * <p>What holds state that notifications keep true (a cache) asks {@link #listeningEpoch()}: zero while no
 * connection listens, and a new number for every connection that does, so that it can drop what it learnt
 * under an earlier connection. A connection is taken as lost when a query on it fails: after a second with
 * no notification the listener checks it with {@code SELECT 1}, under a network timeout, so that a
 * connection the network silently dropped is found out too.
 */
public final class PgNotifications implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PgNotifications.class);
  private static final Duration NETWORK_TIMEOUT = Duration.ofSeconds(5);

  private final DataSource dataSource;
  private final Map<String, List<Subscriber>> subscribers;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long listeningEpoch;
  private long connections;

  public PgNotifications(DataSource dataSource, List<String> channels) {
    this.dataSource = dataSource;
    this.subscribers = new java.util.concurrent.ConcurrentHashMap<>();
    for (String channel : channels) {
      if (!channel.matches("[a-z_]+")) {
        throw new IllegalArgumentException("channel names are lower-case identifiers, got " + channel);
      }
      subscribers.put(channel, new CopyOnWriteArrayList<>());
    }
    this.thread = Thread.ofPlatform().daemon().name("mesh-pg-listen").unstarted(this::listen);
  }

  /** Hears the notifications of a channel: their payload and the process id of the session that sent each. */
  @FunctionalInterface
  public interface Subscriber {
    void notified(String payload, int senderPid);
  }

  /** Calls {@code subscriber} with the payload of every notification on {@code channel}. */
  public void subscribe(String channel, Consumer<String> subscriber) {
    subscribe(channel, (payload, senderPid) -> subscriber.accept(payload));
  }

  /** Calls {@code subscriber} with the payload and the sending session of every notification on {@code channel}. */
  public void subscribe(String channel, Subscriber subscriber) {
    List<Subscriber> list = subscribers.get(channel);
    if (list == null) {
      throw new IllegalArgumentException("not listening on " + channel + "; listening on " + subscribers.keySet());
    }
    list.add(subscriber);
  }

  /**
   * Zero while no connection listens (notifications may be missed), otherwise a number that changes with
   * every new listening connection.
   */
  public long listeningEpoch() {
    return listeningEpoch;
  }

  public PgNotifications start() {
    thread.start();
    return this;
  }

  private void listen() {
    Duration backoff = Duration.ofMillis(200);
    while (running) {
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(true);
        connection.setNetworkTimeout(Runnable::run, (int) NETWORK_TIMEOUT.toMillis());
        try (Statement s = connection.createStatement()) {
          for (String channel : subscribers.keySet()) {
            s.execute("LISTEN " + channel);
          }
        }
        listeningEpoch = ++connections;
        backoff = Duration.ofMillis(200);
        PGConnection pg = connection.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] notifications = pg.getNotifications(1_000);
          if (notifications == null || notifications.length == 0) {
            try (Statement probe = connection.createStatement()) {
              probe.execute("SELECT 1");
            }
            continue;
          }
          for (PGNotification n : notifications) {
            for (Subscriber subscriber : subscribers.getOrDefault(n.getName(), List.of())) {
              try {
                subscriber.notified(n.getParameter(), n.getPID());
              } catch (RuntimeException e) {
                log.warn("a subscriber of '{}' failed: {}", n.getName(), e.toString());
              }
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        listeningEpoch = 0;
        if (!running) {
          return;
        }
        log.warn("lost the notification connection ({}); reconnecting in {} ms", e.getMessage(), backoff.toMillis());
        try {
          Thread.sleep(backoff.toMillis());
        } catch (InterruptedException interrupted) {
          return;
        }
        backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10)
            : backoff.multipliedBy(2);
      }
    }
  }

  @Override
  public void close() {
    running = false;
    listeningEpoch = 0;
    thread.interrupt();
    try {
      thread.join(3_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
