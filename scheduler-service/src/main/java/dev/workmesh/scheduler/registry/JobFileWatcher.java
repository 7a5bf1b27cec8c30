package dev.workmesh.scheduler.registry;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the job file when its content changes. Polls a content hash rather than using a
 * {@code WatchService}: modification times can be coarse or stay the same across quick edits, and
 * watch events are unreliable on network and container-mounted file systems (a Kubernetes ConfigMap
 * is swapped by a symlink change, which a hash sees and a directory watch may not).
 *
 * <p>A change is applied once the file has kept it for one poll: an editor or a script that truncates the
 * file and then writes it is otherwise caught halfway, and an empty file means no jobs at all.
 */
public final class JobFileWatcher {

  private static final Logger log = LoggerFactory.getLogger(JobFileWatcher.class);

  private final JobRegistry registry;
  /** A changed content seen by the last poll and not applied yet: the writer may still be at it. */
  private String settling;

  public JobFileWatcher(JobRegistry registry) {
    this.registry = registry;
  }

  /** Reloads if the file changed since the last reload and kept that content since the last poll. */
  public boolean poll() {
    Optional<String> changed = registry.changedContent();
    if (changed.isEmpty()) {
      settling = null;
      return false;
    }
    if (!changed.get().equals(settling)) {
      settling = changed.get();
      return false;
    }
    settling = null;
    log.info("job file {} changed; reloading", registry.file());
    registry.reload();
    return true;
  }
}
