package dev.workmesh.scheduler.job;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What {@link JobFileLoader} made of one file: the jobs that are valid and the problems found.
 * A job with any problem is left out; the other jobs are still there.
 *
 * @param source the file as the loader was given it
 * @param readable false when the file could not be read or is not valid TOML: then {@code jobs} is
 *     empty because nothing could be read, not because the operator removed every job, and a reload
 *     should keep the jobs it had
 * @param jobs valid jobs in file order, names unique
 * @param problems in file order
 */
public record JobFile(String source, boolean readable, List<JobDefinition> jobs, List<JobProblem> problems) {

  public JobFile {
    Objects.requireNonNull(source, "source");
    jobs = List.copyOf(jobs);
    problems = List.copyOf(problems);
  }

  /** True when the file has no problem at all. */
  public boolean clean() {
    return problems.isEmpty();
  }

  public Optional<JobDefinition> job(String name) {
    return jobs.stream().filter(j -> j.name().equals(name)).findFirst();
  }

  /** Every problem, one per line, for a log or an API answer. */
  public String problemReport() {
    return problems.stream().map(JobProblem::describe).collect(Collectors.joining("\n"));
  }
}
