package dev.workmesh.worker.dispatch;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the pool share groups start from the earliest record. A share group starts at {@code latest}
 * by default, so tasks dispatched before the group's first member joined would never be delivered.
 * Setting the group config is idempotent; every worker does it at start-up.
 */
final class ShareGroupStart {

  private static final Logger log = LoggerFactory.getLogger(ShareGroupStart.class);

  private ShareGroupStart() {}

  /** Returns whether it worked; a failure is logged, and the worker still pulls what Kafka does not bring. */
  static boolean fromEarliest(Map<String, Object> common, Collection<String> groupIds) {
    AlterConfigOp earliest =
        new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET);
    Map<ConfigResource, Collection<AlterConfigOp>> changes =
        groupIds.stream()
            .collect(Collectors.toMap(g -> new ConfigResource(ConfigResource.Type.GROUP, g), g -> List.of(earliest)));
    try (Admin admin = Admin.create(adminConfig(common))) {
      admin.incrementalAlterConfigs(changes).all().get(30, TimeUnit.SECONDS);
      log.info("Share groups {} start from the earliest record", groupIds);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      log.warn(
          "Could not set share.auto.offset.reset=earliest on share groups {} ({}): tasks dispatched before a group's"
              + " first member joined reach this worker only through its pulls. Grant ALTER_CONFIGS on the groups,"
              + " or set the config once with kafka-configs.sh --entity-type groups",
          groupIds, e.getCause() != null ? e.getCause().toString() : e.toString());
      return false;
    }
  }

  private static Map<String, Object> adminConfig(Map<String, Object> common) {
    return common.entrySet().stream()
        .filter(e -> !e.getKey().endsWith(".deserializer"))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> b));
  }
}
