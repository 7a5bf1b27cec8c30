package dev.workmesh.core.db;

import com.zaxxer.hikari.HikariDataSource;
import dev.workmesh.core.WhenStopBegins;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds a stop when PostgreSQL is gone. Once the service begins to stop (the first shutdown phase), one
 * fresh connection, outside the pool so that a busy pool is not mistaken for a dead server, tries to reach
 * PostgreSQL within {@link #PROBE_TIMEOUT}. If it cannot, the pool is closed: every later shutdown step that
 * still needs the database (releasing a leader lease, a last relay pass) then fails at once instead of
 * waiting the pool's connection timeout (30 s by default) each. A reachable database changes nothing.
 *
 * <p>Hikari fixes its connection timeout when the pool starts, so it cannot simply be shortened here.
 * Imported by each service that has a database; it stops in the first phase ({@link #PHASE}), so a
 * lifecycle whose stop touches the database takes a later one ({@link #AFTER}).
 */
public class FailFastWhenDatabaseGoneOnStop extends WhenStopBegins {

  /** For lifecycles whose stop needs the database: after this check, before the web server's shutdown. */
  public static final int AFTER = WhenStopBegins.AFTER;

  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
  private static final Logger log = LoggerFactory.getLogger(FailFastWhenDatabaseGoneOnStop.class);

  private final List<HikariDataSource> pools;

  public FailFastWhenDatabaseGoneOnStop(List<HikariDataSource> pools) {
    this.pools = pools;
  }

  @Override
  protected void onStopBegins() {
    for (HikariDataSource pool : pools) {
      String unreachable = probe(pool);
      if (unreachable != null) {
        log.warn("stopping without PostgreSQL ({}): the steps that need it are skipped", unreachable);
        pool.close();
      }
    }
  }

  /** Null when PostgreSQL answers, else why not. */
  private static String probe(HikariDataSource pool) {
    Properties props = new Properties();
    props.putAll(pool.getDataSourceProperties());
    if (pool.getUsername() != null) {
      props.setProperty("user", pool.getUsername());
    }
    if (pool.getPassword() != null) {
      props.setProperty("password", pool.getPassword());
    }
    String seconds = Long.toString(Math.max(1, PROBE_TIMEOUT.toSeconds()));
    props.setProperty("connectTimeout", seconds);
    props.setProperty("loginTimeout", seconds);
    props.setProperty("socketTimeout", seconds);
    try (Connection c = new org.postgresql.Driver().connect(pool.getJdbcUrl(), props)) {
      return c == null ? "not a PostgreSQL URL: " + pool.getJdbcUrl() : null;
    } catch (SQLException e) {
      return e.getMessage();
    }
  }

}
