package dev.workmesh.bench.infra;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** One scenario's own database on the shared PostgreSQL server. */
public record BenchDatabase(String name, String jdbcUrl, String username, String password) {

  /** A new connection pool on this database; the caller closes it. */
  public HikariDataSource newDataSource(int maxConnections) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(username);
    config.setPassword(password);
    config.setMaximumPoolSize(maxConnections);
    config.setMinimumIdle(maxConnections);
    config.setPoolName("bench-" + name);
    return new HikariDataSource(config);
  }

  @Override
  public String toString() {
    return "BenchDatabase[" + jdbcUrl + "]";
  }
}
