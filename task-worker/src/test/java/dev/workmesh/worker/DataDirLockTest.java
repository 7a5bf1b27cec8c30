package dev.workmesh.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second worker on a data directory in use would take the first one's running attempts for a crash's leftovers. */
class DataDirLockTest {

  @TempDir Path dataDir;

  TaskWorker worker() {
    // No mesh-api at this address: the worker keeps waiting for it in the background, holding its directory.
    return new TaskWorker(
        TestWorkers.bind(Map.of("api-url", "http://127.0.0.1:1", "data-dir", dataDir.toString(), "node-name", "locker",
            "enrolment-token", "wm_op_unused")),
        Map.of("bootstrap.servers", "127.0.0.1:1"), new SimpleMeterRegistry());
  }

  @Test
  void aDataDirectoryServesOneWorkerAtATime() {
    TaskWorker first = worker();
    first.start();
    try {
      assertThatThrownBy(() -> worker().start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("task-worker.data-dir " + dataDir + " is in use by another worker (pid " + ProcessHandle.current().pid() + ")");
    } finally {
      first.stop();
    }
    TaskWorker next = worker();
    next.start();
    next.stop();
    assertThat(dataDir.resolve("worker.lock")).exists();
  }
}
