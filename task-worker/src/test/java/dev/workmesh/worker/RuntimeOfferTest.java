package dev.workmesh.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workmesh.worker.attempt.RuntimeOffer;
import dev.workmesh.worker.config.TaskWorkerProperties;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtimes a worker offers: what its configuration allows and its machine has installed. */
class RuntimeOfferTest {

  @TempDir Path dataDir;

  @Test
  void aConfiguredRuntimeThatNobodyDefinesStopsTheStartWithTheKeyToFix() {
    TaskWorkerProperties properties = TestWorkers.bind(Map.of("api-url", "http://mesh", "data-dir", dataDir.toString(),
        "runtimes", "bash,nope"));

    assertThatThrownBy(() -> RuntimeOffer.offered(properties, RuntimeOffer.catalog(properties.subagentSettings()), Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task-worker.runtimes lists 'nope'")
        .hasMessageContaining("task-worker.extra-runtimes");
  }

  @Test
  void onlyAllowedRuntimesWhoseBinaryIsThereAreOfferedNextToTheInProcessOnes() {
    TaskWorkerProperties properties = TestWorkers.bind(Map.of("api-url", "http://mesh", "data-dir", dataDir.toString(),
        "runtimes", "bash,codex", "binaries[codex]", dataDir.resolve("no-such-codex").toString()));

    Set<String> offered = RuntimeOffer.offered(properties, RuntimeOffer.catalog(properties.subagentSettings()), Set.of("noop"));

    assertThat(offered).containsExactlyInAnyOrder("noop", "bash");
  }
}
