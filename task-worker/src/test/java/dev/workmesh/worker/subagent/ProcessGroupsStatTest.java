package dev.workmesh.worker.subagent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading a process's group and start time from {@code /proc/<pid>/stat}. */
class ProcessGroupsStatTest {

  private static Optional<ProcessGroups.Member> parse(String line) {
    byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
    byte[] buffer = new byte[1024];
    System.arraycopy(bytes, 0, buffer, 0, bytes.length);
    return ProcessGroups.parseStat(42, buffer, bytes.length);
  }

  @Test
  void readsTheGroupAndStartTimeAfterANameHoldingSpacesAndParentheses() {
    String line = "42 (a) b (c)) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 100 18446744073709551615"
        + " 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";

    assertThat(parse(line)).contains(new ProcessGroups.Member(42, 4242, 987654));
  }

  @Test
  void aZombieOrATruncatedLineIsNoMember() {
    assertThat(parse("42 (sh) Z 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000\n")).isEmpty();
    assertThat(parse("42 (sh) S 1 4242 4242 0 -1 4194560 100 0 0")).isEmpty();
    assertThat(parse("42 (sh")).isEmpty();
  }

  @Test
  void findsThisJvmInItsOwnGroup() throws IOException {
    long self = ProcessHandle.current().pid();
    long startTicks = ProcessGroups.startTicks(self).orElseThrow();

    assertThat(ProcessGroups.running(groupOfSelf(), 0)).anyMatch(m -> m.pid() == self && m.startTicks() == startTicks);
  }

  private static long groupOfSelf() throws IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
  }
}
