package dev.workmesh.scheduler.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the job file when its content changes. Polls a content hash rather than using a
 * {@code WatchService}: modification times can be coarse or stay the same across quick edits, and
 * watch events are unreliable on network and container-mounted file systems (a Kubernetes ConfigMap
 * is swapped by a symlink change, which a hash sees and a directory watch may not).
 */
public final class JobFileWatcher {

  private static final Logger log = LoggerFactory.getLogger(JobFileWatcher.class);

  private final JobRegistry registry;

  public JobFileWatcher(JobRegistry registry) {
    this.registry = registry;
  }

  /** Reloads if the file changed since the last reload; returns whether it did. */
  public boolean poll() {
    if (!registry.fileChanged()) {
      return false;
    }
    log.info("job file {} changed; reloading", registry.file());
    registry.reload();
    return true;
  }
}
