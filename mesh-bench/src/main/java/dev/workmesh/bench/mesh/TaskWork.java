package dev.workmesh.bench.mesh;

import dev.workmesh.client.model.ClaimView;

/** What a worker loop does with a won claim before it reports. */
interface TaskWork {

  /** How the work ended: {@code ok} reports complete, otherwise fail. */
  record Done(boolean ok, Integer exitCode, String error) {}

  Done run(ClaimView claim);

  /** Completes at once: the queue path, with no process. */
  TaskWork NO_OP = claim -> new Done(true, null, null);
}
