package dev.workmesh.testsupport;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** A database of its own for one test class (or one benchmark scenario), on the JVM-wide PostgreSQL server. */
public record TestDatabase(String name, String jdbcUrl, String username, String password) {

  /** A new connection pool on this database; the caller closes it. */
  public HikariDataSource newDataSource(int maxConnections) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(username);
    config.setPassword(password);
    config.setMaximumPoolSize(maxConnections);
    config.setPoolName("test-" + name);
    return new HikariDataSource(config);
  }

  @Override
  public String toString() {
    return "TestDatabase[" + jdbcUrl + "]"; // never the password
  }
}
