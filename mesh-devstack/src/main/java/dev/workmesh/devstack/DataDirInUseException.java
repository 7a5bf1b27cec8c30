package dev.workmesh.devstack;

import dev.workmesh.core.MeshException;
import java.nio.file.Path;

/** Another mesh runs on this data dir; the caller changed nothing. Carries the holder's PID when known. */
public final class DataDirInUseException extends MeshException {

  private final Path dataDir;
  private final String holderPid;

  DataDirInUseException(Path dataDir, String holderPid) {
    super("the data dir " + dataDir + " is in use by another mesh (PID " + holderPid + "); stop that one first,"
        + " or choose another data dir with --data-dir");
    this.dataDir = dataDir;
    this.holderPid = holderPid;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The PID written by the holder, or "unknown" if it had not written it yet. */
  public String holderPid() {
    return holderPid;
  }
}
