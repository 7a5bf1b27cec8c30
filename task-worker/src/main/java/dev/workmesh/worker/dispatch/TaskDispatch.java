package dev.workmesh.worker.dispatch;

import dev.workmesh.worker.WorkerLoops;
import dev.workmesh.worker.WorkerMetrics;
import dev.workmesh.worker.mesh.GuardedMeshClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that brings work to the worker: a share consumer per pool, the directed consumer, and
 * the pull ({@code POST /work/claims}) at start-up and on a slow timer, so a backlog that predates the
 * worker or whose records were lost still gets worked, brought forward when mesh-api says a task of its
 * pools is stranded ({@link StrandedWatch}). Closing it stops all claiming.
 */
public final class TaskDispatch implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TaskDispatch.class);

  private final List<AutoCloseable> parts = new ArrayList<>();

  private TaskDispatch() {}

  /**
   * Starts claiming.
   *
   * @param kafkaCommon bootstrap servers and security settings shared by every Kafka client
   * @param clientIdPrefix prefix of the Kafka client ids, e.g. {@code workmesh-worker-<name>}
   */
  public static TaskDispatch start(
      UUID agentId,
      List<String> pools,
      WorkerTopics topics,
      Map<String, Object> kafkaCommon,
      String clientIdPrefix,
      Slots slots,
      TaskClaimer claimer,
      GuardedMeshClient api,
      Duration apiTimeout,
      Duration idlePullInterval,
      int pollRecords,
      WorkerMetrics metrics) {
    TaskDispatch dispatch = new TaskDispatch();
    ShareGroupStart.fromEarliest(kafkaCommon, pools.stream().map(topics::poolShareGroup).toList());
    IntSupplier pullForFreeSlots = () -> claimer.apiAvailable() ? claimer.pull(slots.acquireAllFree()) : 0;
    Runnable pull = pullForFreeSlots::getAsInt;
    // The start-up pull: a backlog waiting since before this worker existed.
    pull.run();
    Map<String, PoolShareConsumer> poolConsumers = new HashMap<>();
    for (String pool : pools) {
      String group = topics.poolShareGroup(pool);
      PoolShareConsumer consumer =
          new PoolShareConsumer(
              pool, topics.pooled(), KafkaClientConfigs.shareConsumer(kafkaCommon, group, clientIdPrefix + "-pool-" + pool, pollRecords),
              () -> ShareGroupStart.fromEarliest(kafkaCommon, List.of(group)), pull, slots, claimer, metrics);
      consumer.start();
      dispatch.parts.add(consumer);
      poolConsumers.put(pool, consumer);
    }
    DirectedConsumer directed =
        new DirectedConsumer(
            agentId, topics.directed(),
            KafkaClientConfigs.directedConsumer(kafkaCommon, topics.directedGroup(agentId), clientIdPrefix + "-directed"),
            slots, claimer, () -> metrics.loopError("directed-consumer"));
    directed.start();
    dispatch.parts.add(directed);
    dispatch.parts.add(WorkerLoops.start("idle-pull", idlePullInterval, pull, metrics));
    StrandedWatch stranded = new StrandedWatch(api, slots, apiTimeout, pullForFreeSlots,
        named -> named.stream().map(poolConsumers::get).anyMatch(c -> c != null && c.idle()));
    stranded.start();
    dispatch.parts.add(stranded);
    return dispatch;
  }

  /** Stops every consumer and the pull; nothing is claimed after this returns. */
  @Override
  public void close() {
    for (AutoCloseable part : parts.reversed()) {
      try {
        part.close();
      } catch (Exception e) {
        log.warn("Stopping {} failed: {}", part.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
