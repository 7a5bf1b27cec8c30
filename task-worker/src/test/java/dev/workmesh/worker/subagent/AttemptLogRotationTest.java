package dev.workmesh.worker.subagent;

import static dev.workmesh.worker.subagent.TestAttempts.attempt;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttemptLogRotationTest {

  @TempDir Path dataDir;

  @Test
  void logRotatesAtTheConfiguredSizeKeepsNFilesAndTheTail() throws Exception {
    SubagentSettings settings = SubagentSettings.defaults(dataDir).withLogLimits(1000, 2, 256);
    String expected = IntStream.rangeClosed(1, 500).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
    AttemptSpec spec = attempt("bash", "{\"command\": \"for i in $(seq 1 500); do echo \\\"line $i\\\"; done\"}");

    SubagentOutcome outcome;
    try (SubagentLauncher launcher = new SubagentLauncher(settings, RuntimeCatalog.from(settings))) {
      outcome = launcher.launch(spec).outcome().get(20, TimeUnit.SECONDS);
    }

    Path dir = dataDir.resolve("attempts").resolve(spec.attemptId().toString());
    Path current = dir.resolve("attempt.log");
    assertThat(dir.resolve("attempt.log.1")).exists();
    assertThat(dir.resolve("attempt.log.2")).exists();
    assertThat(dir.resolve("attempt.log.3")).doesNotExist();
    for (Path file : new Path[] {current, dir.resolve("attempt.log.1"), dir.resolve("attempt.log.2")}) {
      assertThat(Files.size(file)).isLessThanOrEqualTo(1000);
    }
    assertThat(Files.size(dir.resolve("attempt.log.1"))).isEqualTo(1000);
    String kept = Files.readString(dir.resolve("attempt.log.2")) + Files.readString(dir.resolve("attempt.log.1")) + Files.readString(current);
    assertThat(expected).endsWith(kept);
    assertThat(kept.length()).isGreaterThan(2000);

    assertThat(outcome.result()).isEqualTo(expected);
    assertThat(outcome.logTail()).hasSizeLessThanOrEqualTo(256).endsWith("line 499\nline 500\n");
    assertThat(expected).endsWith(outcome.logTail());
  }

  @Test
  void tailNeverStartsWithHalfACharacter() {
    TailBuffer tail = new TailBuffer(5);
    byte[] bytes = "aé日本".getBytes(java.nio.charset.StandardCharsets.UTF_8); // 1 + 2 + 3 + 3 bytes

    tail.write(bytes, 0, bytes.length);

    assertThat(tail.text()).isEqualTo("本");
  }
}
