package dev.workmesh.testsupport.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A PostgreSQL 17 server from zonky's embedded binaries, with no Docker and no installed database.
 *
 * <p>PostgreSQL refuses to run as root; when this JVM is root, zonky runs {@code initdb} and {@code
 * pg_ctl} under {@code unshare -U}, in a user namespace where they are not. The server never outlives this
 * JVM, even one killed with SIGKILL ({@link PostmasterReaper}).
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  public static final String SUPERUSER = "postgres";

  private final EmbeddedPostgres postgres;
  private final String host;
  private final long postmasterPid;
  private final Path dataDirectory;
  private final PostmasterReaper reaper;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, String host, boolean throwAway) {
    this.postgres = postgres;
    this.host = host;
    this.dataDirectory = dataDirectory(postgres);
    this.postmasterPid = PostmasterReaper.postmasterPid(dataDirectory).orElseThrow(() -> new IllegalStateException(
        "PostgreSQL started without a postmaster.pid in " + dataDirectory));
    this.reaper = PostmasterReaper.watch(postmasterPid, throwAway ? dataDirectory : null);
  }

  private static Path dataDirectory(EmbeddedPostgres postgres) {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW data_directory")) {
      rs.next();
      return Path.of(rs.getString(1));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot ask PostgreSQL for its data directory: " + e.getMessage(), e);
    }
  }

  /**
   * Starts a server.
   *
   * @param dataDirectory where the cluster lives; {@code null} for a throw-away temporary directory
   * @param port the port to listen on; 0 for any free port
   */
  public static EmbeddedPostgresServer start(Path dataDirectory, int port) {
    return start(dataDirectory, BindAddress.loopback(), port);
  }

  /**
   * Starts a server listening on {@code bind} only.
   *
   * @param dataDirectory where the cluster lives; {@code null} for a throw-away temporary directory
   * @param port the port to listen on; 0 for any free port
   */
  public static EmbeddedPostgresServer start(Path dataDirectory, BindAddress bind, int port) {
    try {
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setPGStartupWait(Duration.ofSeconds(60))
              // The owner stops the server, after whatever still uses it; a hook of its own would race that.
              .setRegisterShutdownHook(false)
              .setServerConfig("listen_addresses", bind.listenHost())
              .setServerConfig("max_connections", "300")
              .setServerConfig("fsync", dataDirectory == null ? "off" : "on")
              .setServerConfig("synchronous_commit", dataDirectory == null ? "off" : "on")
              .setServerConfig("full_page_writes", dataDirectory == null ? "off" : "on");
      if (dataDirectory != null) {
        PostmasterReaper.reapOrphan(dataDirectory);
        builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
      }
      if (port > 0) {
        builder.setPort(port);
      }
      return new EmbeddedPostgresServer(builder.start(), bind.connectHost(), dataDirectory == null);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the embedded PostgreSQL server", e);
    }
  }

  /** The postmaster's process id. */
  public long postmasterPid() {
    return postmasterPid;
  }

  /** Where the cluster lives. */
  public Path dataDirectory() {
    return dataDirectory;
  }

  /** Leaves the server running without its guard: how the fault tests make an orphan. */
  void stopWatching() {
    reaper.close();
  }

  public int port() {
    return postgres.getPort();
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + host + ":" + port() + "/" + database;
  }

  @Override
  public void close() {
    reaper.close();
    if (ProcessHandle.of(postmasterPid).isEmpty()) {
      return; // already gone (stopped from outside, or crashed): pg_ctl stop would only wait and fail
    }
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("could not stop the embedded PostgreSQL server", e);
    }
  }
}
