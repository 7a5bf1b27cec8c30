package dev.workmesh.scheduler.registry;

import dev.workmesh.scheduler.job.JobDefinition;
import dev.workmesh.scheduler.job.JobProblem;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The jobs a replica runs, as of its last successful load: an immutable snapshot that the tick, the
 * REST API and a reload can share without locks.
 *
 * @param jobs by name, in file order
 * @param problems of the last load attempt, including one that was not applied
 * @param loadedAt when these jobs were loaded; null before the first load
 */
public record LoadedJobs(String source, Map<String, JobDefinition> jobs, List<JobProblem> problems, Instant loadedAt) {

  public LoadedJobs {
    jobs = Collections.unmodifiableMap(new LinkedHashMap<>(jobs));
    problems = List.copyOf(problems);
  }

  static LoadedJobs none(String source) {
    return new LoadedJobs(source, Map.of(), List.of(), null);
  }

  public Optional<JobDefinition> job(String name) {
    return Optional.ofNullable(jobs.get(name));
  }

  public List<String> names() {
    return List.copyOf(jobs.keySet());
  }

  LoadedJobs withProblems(List<JobProblem> newProblems) {
    return new LoadedJobs(source, jobs, newProblems, loadedAt);
  }
}
