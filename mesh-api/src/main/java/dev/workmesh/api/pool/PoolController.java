package dev.workmesh.api.pool;

import dev.workmesh.client.model.QueueHistoryView;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Pools: their queues over the last hour. */
@RestController
class PoolController {

  private final QueueHistory history;

  PoolController(QueueHistory history) {
    this.history = history;
  }

  @GetMapping("/work/pools/queue-history")
  QueueHistoryView queueHistory() {
    return new QueueHistoryView(history.settings().interval().toSeconds(), history.settings().window().toSeconds(),
        history.byPool());
  }
}
