package dev.workmesh.testsupport.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An embedded PostgreSQL never outlives the JVM that started it, even one killed with SIGKILL. */
class EmbeddedPostgresDiesWithItsJvmTest {

  @TempDir Path keptDataDir;

  @Test
  void aThrowAwayServerStopsAndItsFilesGoWhenItsJvmIsKilled() throws Exception {
    Started child = startChild(null);
    Path dataDir = Path.of(child.dataDir);
    assertThat(dataDir).isDirectory();
    child.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(child.postmasterPid).isEmpty());
    await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(dataDir));
  }

  @Test
  void aServerOnAKeptDataDirStopsWhenItsJvmIsKilledAndTheDataDirServesAgain() throws Exception {
    Path dataDir = keptDataDir.resolve("postgres");
    Started child = startChild(dataDir);
    child.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(child.postmasterPid).isEmpty());
    assertThat(dataDir.resolve("PG_VERSION")).exists();
    try (EmbeddedPostgresServer again = EmbeddedPostgresServer.start(dataDir, 0)) {
      assertThat(again.postmasterPid()).isNotEqualTo(child.postmasterPid);
    }
  }

  @Test
  void anOrphanLeftOnAKeptDataDirIsStoppedAtTheNextStart() throws Exception {
    Path dataDir = keptDataDir.resolve("postgres");
    // A JVM whose guard was lost with it (stopped here on purpose): its postmaster stays up when it dies.
    Started child = startChild(dataDir, true);
    long orphanPid = child.postmasterPid;
    child.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    assertThat(ProcessHandle.of(orphanPid)).as("the orphan").isPresent();
    try (EmbeddedPostgresServer next = EmbeddedPostgresServer.start(dataDir, 0)) {
      assertThat(ProcessHandle.of(orphanPid)).isEmpty();
      assertThat(next.postmasterPid()).isNotEqualTo(orphanPid);
    }
  }

  private record Started(Process process, long postmasterPid, String dataDir) {}

  private static Started startChild(Path dataDir) throws Exception {
    return startChild(dataDir, false);
  }

  private static Started startChild(Path dataDir, boolean unguarded) throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ServerInChildJvm.class.getName(),
        dataDir == null ? "" : dataDir.toString(), Boolean.toString(unguarded)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
    String line;
    while ((line = out.readLine()) != null && !line.startsWith("started ")) {
      // PostgreSQL's and the logger's output
    }
    assertThat(line).as("the child JVM's report of its server").isNotNull();
    String[] f = line.split(" ");
    return new Started(p, Long.parseLong(f[1]), f[2]);
  }

  /** The child JVM: starts a server, reports it, and waits to be killed. */
  static final class ServerInChildJvm {
    public static void main(String[] args) throws Exception {
      EmbeddedPostgresServer server = EmbeddedPostgresServer.start(args[0].isEmpty() ? null : Path.of(args[0]), 0);
      if (Boolean.parseBoolean(args[1])) {
        server.stopWatching();
      }
      System.out.println("started " + server.postmasterPid() + " " + server.dataDirectory());
      System.out.flush();
      new CountDownLatch(1).await();
    }
  }
}
