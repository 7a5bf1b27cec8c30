package dev.workmesh.api.pool;

import dev.workmesh.api.config.MeshApiProperties;
import dev.workmesh.client.model.QueueSample;
import dev.workmesh.core.MeshCore;
import dev.workmesh.core.loop.PeriodicLoop;
import dev.workmesh.core.task.PoolQueues;
import dev.workmesh.core.task.PoolQueues.PoolQueue;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Each pool's queue depth and oldest ready age, sampled every {@code mesh-api.queue-history.interval} and
 * kept in memory for {@code window}: the short history the dashboard charts. Every replica samples on its
 * own (one grouped query over the ready tasks' partial index); a restarted replica starts a new history.
 */
@Component
class QueueHistory implements InitializingBean, DisposableBean {

  private record Sample(Instant at, Map<String, PoolQueue> pools) {}

  private final PoolQueues queues;
  private final MeshApiProperties.QueueHistory settings;
  private final Clock clock;
  private final Deque<Sample> samples = new ArrayDeque<>();
  private final PeriodicLoop loop;

  QueueHistory(MeshCore core, MeshApiProperties properties, MeterRegistry meters) {
    this.queues = new PoolQueues(core.db());
    this.settings = properties.queueHistory();
    this.clock = Clock.systemUTC();
    // A failed sample is logged and counted by the loop; the chart misses that point.
    this.loop = PeriodicLoop.every("queue-history", settings.interval()).running(this::sample).meters(meters).build();
  }

  @Override
  public void afterPropertiesSet() {
    loop.start();
  }

  @Override
  public void destroy() {
    loop.close();
  }

  /** Takes one sample now and drops those older than the window. */
  void sample() {
    Map<String, PoolQueue> now = queues.now();
    Instant at = clock.instant();
    synchronized (samples) {
      samples.addLast(new Sample(at, now));
      Instant oldest = at.minus(settings.window());
      while (!samples.isEmpty() && samples.peekFirst().at().isBefore(oldest)) {
        samples.removeFirst();
      }
    }
  }

  /** Per pool, its samples oldest first; a pool with no ready task at a sample reads depth 0 there. */
  Map<String, List<QueueSample>> byPool() {
    List<Sample> copy;
    synchronized (samples) {
      copy = List.copyOf(samples);
    }
    Map<String, List<QueueSample>> pools = new TreeMap<>();
    copy.forEach(s -> s.pools().keySet().forEach(p -> pools.putIfAbsent(p, null)));
    pools.replaceAll((pool, none) -> copy.stream().map(s -> {
      PoolQueue q = s.pools().get(pool);
      return q == null ? new QueueSample(s.at(), 0, 0)
          : new QueueSample(s.at(), q.depth(), q.oldestReadyAge().toMillis() / 1000.0);
    }).toList());
    return pools;
  }

  MeshApiProperties.QueueHistory settings() {
    return settings;
  }
}
