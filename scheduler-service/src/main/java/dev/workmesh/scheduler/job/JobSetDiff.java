package dev.workmesh.scheduler.job;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a freshly loaded set of jobs differs from the running one, by name and {@link
 * JobDefinition#contentHash()}.
 *
 * @param added jobs whose name is new
 * @param changed the new definitions of jobs whose name stays but whose content changed
 * @param removed the old definitions of jobs that are gone
 * @param unchanged jobs identical in both
 */
public record JobSetDiff(
    List<JobDefinition> added,
    List<JobDefinition> changed,
    List<JobDefinition> removed,
    List<JobDefinition> unchanged) {

  public JobSetDiff {
    added = List.copyOf(added);
    changed = List.copyOf(changed);
    removed = List.copyOf(removed);
    unchanged = List.copyOf(unchanged);
  }

  public static JobSetDiff between(Collection<JobDefinition> before, Collection<JobDefinition> after) {
    Map<String, JobDefinition> old = new LinkedHashMap<>();
    before.forEach(job -> old.put(job.name(), job));
    List<JobDefinition> added = new ArrayList<>();
    List<JobDefinition> changed = new ArrayList<>();
    List<JobDefinition> unchanged = new ArrayList<>();
    for (JobDefinition job : after) {
      JobDefinition previous = old.remove(job.name());
      if (previous == null) {
        added.add(job);
      } else if (previous.contentHash().equals(job.contentHash())) {
        unchanged.add(job);
      } else {
        changed.add(job);
      }
    }
    return new JobSetDiff(added, changed, List.copyOf(old.values()), unchanged);
  }

  public boolean isEmpty() {
    return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
  }
}
