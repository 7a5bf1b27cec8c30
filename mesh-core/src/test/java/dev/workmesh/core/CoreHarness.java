package dev.workmesh.core;

import com.zaxxer.hikari.HikariDataSource;
import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.agent.NewAgent;
import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.mission.Mission;
import dev.workmesh.core.task.RetryBackoff;
import dev.workmesh.testsupport.MutableClock;
import dev.workmesh.testsupport.TestDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** mesh-core on a test class's own database, with a clock the test moves. */
final class CoreHarness implements AutoCloseable {

  final HikariDataSource dataSource;
  final MutableClock clock = MutableClock.startingNow();
  final MeshCore core;

  CoreHarness(TestDatabase database) {
    this(database, Duration.ofSeconds(30), new RetryBackoff(Duration.ofSeconds(1), Duration.ofMinutes(5), new Random(7)));
  }

  CoreHarness(TestDatabase database, Duration lease, RetryBackoff backoff) {
    dataSource = database.newDataSource(24);
    MeshCore.migrate(dataSource);
    core = new MeshCore(new MeshDb(dataSource, clock), new MeshCore.Settings(lease, backoff));
  }

  Mission mission() {
    return core.missions().create("m-" + UUID.randomUUID(), "");
  }

  /** An enrolled agent in the given pools holding the given capabilities. */
  Agent agent(List<String> pools, List<String> capabilities) {
    return core.agents().enrol(new NewAgent("agent-" + UUID.randomUUID(), pools, capabilities, List.of(), 1000,
        Map.of())).agent();
  }

  Agent agent() {
    return agent(List.of("default"), List.of());
  }

  /** Rows in the outbox for a topic. */
  long outboxCount(String topic) {
    return core.db().jdbc().sql("SELECT count(*) FROM outbox WHERE topic = :t").param("t", topic)
        .query(Long.class).single();
  }

  /**
   * Another mesh-core on the same database and clock, whose connections count the round trips to
   * PostgreSQL: every statement they prepare or create (one round trip each, as mesh-core runs them; the
   * {@code BEGIN} of a transaction goes with its first) and every commit.
   */
  MeshCore countingRoundTrips(AtomicInteger roundTrips) {
    DataSource counted = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          Object result = invoke(dataSource, method, args);
          if (!(result instanceof Connection connection)) {
            return result;
          }
          return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
              (p, m, a) -> {
                if (m.getName().equals("prepareStatement") || m.getName().equals("createStatement")
                    || m.getName().equals("prepareCall") || m.getName().equals("commit")) {
                  roundTrips.incrementAndGet();
                }
                return invoke(connection, m, a);
              });
        });
    return new MeshCore(new MeshDb(counted, clock), MeshCore.Settings.defaults());
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
