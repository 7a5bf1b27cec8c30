package dev.workmesh.worker.spool;

import dev.workmesh.client.MeshClient;
import dev.workmesh.worker.PrivateFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * Reports that could not be delivered, one file per attempt: {@code <data-dir>/spool/<attempt>.json},
 * mode 0600 (it holds the claim token and the result), written atomically. The files outlive the
 * worker, so a report made just before a crash or during an API outage is sent after a restart.
 */
public final class ReportSpool {

  private static final Logger log = LoggerFactory.getLogger(ReportSpool.class);

  private final Path dir;

  public ReportSpool(Path dir) {
    this.dir = dir;
  }

  public Path directory() {
    return dir;
  }

  public void put(PendingReport report) {
    try {
      PrivateFiles.writeAtomically(file(report.attemptId()), MeshClient.JSON.writeValueAsString(report));
    } catch (IOException e) {
      throw new IllegalStateException("cannot spool " + report + " in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Every spooled report, oldest first. A file that cannot be read is set aside as {@code *.unreadable}. */
  public List<PendingReport> all() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<PendingReport> reports = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path file : files) {
        try {
          reports.add(MeshClient.JSON.readValue(Files.readString(file), PendingReport.class));
        } catch (IOException | JacksonException e) {
          log.error("Spooled report {} cannot be read ({}); moving it aside", file, e.getMessage());
          Files.move(file, file.resolveSibling(file.getFileName() + ".unreadable"), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list the spool " + dir + ": " + e.getMessage(), e);
    }
    reports.sort(Comparator.comparing(PendingReport::finishedAt, Comparator.nullsFirst(Comparator.naturalOrder())));
    return reports;
  }

  public void remove(UUID attemptId) {
    try {
      Files.deleteIfExists(file(attemptId));
    } catch (IOException e) {
      log.warn("Could not delete the spooled report of attempt {}: {}", attemptId, e.toString());
    }
  }

  public int size() {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      int n = 0;
      for (Path ignored : files) {
        n++;
      }
      return n;
    } catch (IOException e) {
      return -1;
    }
  }

  private Path file(UUID attemptId) {
    return dir.resolve(attemptId + ".json");
  }
}
