package dev.workmesh.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data dir belongs to one mesh: a second one refuses, names the holder and changes nothing. */
class DataDirLockTest {

  @TempDir Path dataDir;

  @Test
  void aSecondMeshOnADataDirInUseRefusesNamesThePidAndChangesNothingEvenWithFresh() throws Exception {
    Path database = Files.createDirectories(dataDir.resolve("postgres"));
    Files.writeString(database.resolve("PG_VERSION"), "17\n");
    try (DataDirLock held = DataDirLock.acquire(dataDir)) {
      for (List<String> flags : List.of(List.<String>of(), List.of("--fresh"))) {
        List<String> args = new java.util.ArrayList<>(List.of("--data-dir", dataDir.toString()));
        args.addAll(flags);
        DevStack second = new DevStack(DevCommand.parse(args));
        assertThatThrownBy(() -> second.start(DevStack.Progress.silent()))
            .isInstanceOfSatisfying(DataDirInUseException.class, e -> {
              assertThat(e.holderPid()).isEqualTo(Long.toString(ProcessHandle.current().pid()));
              assertThat(e.getMessage()).contains("PID " + ProcessHandle.current().pid());
            });
        second.close(); // closing the refused stack must not release the holder's lock
      }
      assertThat(database.resolve("PG_VERSION")).hasContent("17");
      try (var files = Files.list(dataDir)) {
        assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("postgres", "mesh.lock");
      }
      assertThatThrownBy(() -> DataDirLock.acquire(dataDir)).isInstanceOf(DataDirInUseException.class);
    }
  }

  @Test
  void anotherProcessHoldingTheDataDirIsNamedByItsPid() throws Exception {
    Process holder = startHolder();
    try {
      assertThatThrownBy(() -> DataDirLock.acquire(dataDir))
          .isInstanceOfSatisfying(DataDirInUseException.class,
              e -> assertThat(e.holderPid()).isEqualTo(Long.toString(holder.pid())));
    } finally {
      holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    // The holder died without releasing anything: its stale lock is taken over.
    try (DataDirLock taken = DataDirLock.acquire(dataDir)) {
      assertThat(dataDir.resolve(DataDirLock.FILE_NAME)).hasContent(Long.toString(ProcessHandle.current().pid()));
    }
  }

  /** A JVM that takes the lock, says so, and waits to be killed. */
  private Process startHolder() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), DataDirHolder.class.getName(),
        dataDir.toString()).redirectErrorStream(true).start();
    String line = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
    assertThat(line).isEqualTo("locked");
    return p;
  }

  /** The child process of {@link #anotherProcessHoldingTheDataDirIsNamedByItsPid}. */
  static final class DataDirHolder {
    public static void main(String[] args) throws Exception {
      DataDirLock.acquire(Path.of(args[0]));
      System.out.println("locked");
      System.out.flush();
      new java.util.concurrent.CountDownLatch(1).await();
    }
  }
}
