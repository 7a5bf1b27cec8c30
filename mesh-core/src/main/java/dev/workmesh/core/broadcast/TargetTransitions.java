package dev.workmesh.core.broadcast;

import static dev.workmesh.core.broadcast.TargetStatus.CANCELLED;
import static dev.workmesh.core.broadcast.TargetStatus.CLAIMED;
import static dev.workmesh.core.broadcast.TargetStatus.FAILED;
import static dev.workmesh.core.broadcast.TargetStatus.PENDING;
import static dev.workmesh.core.broadcast.TargetStatus.READY;
import static dev.workmesh.core.broadcast.TargetStatus.RUNNING;
import static dev.workmesh.core.broadcast.TargetStatus.SUCCEEDED;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The one table of allowed changes of a broadcast target's status. The statements of {@link BroadcastTargets}
 * are set-based, so they restrict their WHERE clause to {@link #fromSql} this table instead of checking
 * rows one by one.
 */
public final class TargetTransitions {

  private static final Map<TargetStatus, Set<TargetStatus>> ALLOWED = new EnumMap<>(TargetStatus.class);

  static {
    // open: its agent claims it, the task is cancelled or settled, or the agent left before claiming.
    ALLOWED.put(READY, EnumSet.of(CLAIMED, CANCELLED, FAILED));
    ALLOWED.put(PENDING, EnumSet.of(CLAIMED, CANCELLED, FAILED));
    // claimed: the agent starts; any attempt can end (succeeded, failed, given back or retried: ready).
    ALLOWED.put(CLAIMED, EnumSet.of(RUNNING, SUCCEEDED, FAILED, CANCELLED, READY));
    ALLOWED.put(RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED, READY));
    // ended: final. A manual retry of the task fixes its targets afresh: the rows of every target but the
    // succeeded ones are replaced, not moved.
    ALLOWED.put(FAILED, EnumSet.noneOf(TargetStatus.class));
    ALLOWED.put(CANCELLED, EnumSet.noneOf(TargetStatus.class));
    ALLOWED.put(SUCCEEDED, EnumSet.noneOf(TargetStatus.class));
  }

  private TargetTransitions() {}

  public static boolean allowed(TargetStatus from, TargetStatus to) {
    return ALLOWED.get(from).contains(to);
  }

  /** The statuses from which {@code to} may be reached. */
  public static Set<TargetStatus> from(TargetStatus to) {
    Set<TargetStatus> sources = EnumSet.noneOf(TargetStatus.class);
    ALLOWED.forEach((from, targets) -> {
      if (targets.contains(to)) {
        sources.add(from);
      }
    });
    return sources;
  }

  /** {@link #from} as a SQL list, e.g. {@code ('ready', 'pending')}, for a statement's WHERE clause. */
  public static String fromSql(TargetStatus to) {
    return from(to).stream().map(s -> "'" + s.wire() + "'").sorted().collect(Collectors.joining(", ", "(", ")"));
  }

  /** Throws {@link IllegalTargetTransitionException} unless {@code from -> to} is in the table. */
  public static void check(UUID taskId, UUID agentId, TargetStatus from, TargetStatus to) {
    if (!allowed(from, to)) {
      throw new IllegalTargetTransitionException(taskId, agentId, from, to);
    }
  }
}
