package dev.workmesh.scheduler.registry;

import dev.workmesh.core.ValidationException.Violation;
import dev.workmesh.core.mission.MissionStore;
import dev.workmesh.core.task.TaskValidator;
import dev.workmesh.scheduler.fire.FireTaskBuilder;
import dev.workmesh.scheduler.job.JobDefinition;
import dev.workmesh.scheduler.job.JobProblem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a loaded job against mesh-core's own rules (mission names, pool and capability names,
 * priority range, ...) so that a job mesh-core would refuse is reported when the file is loaded, not
 * as a rejected fire hours later. What only the database knows (is the assigned agent enrolled?) can
 * still reject a fire; such a fire is recorded with its error.
 */
final class JobPreflight {

  private JobPreflight() {}

  static List<JobProblem> check(JobDefinition job, String source) {
    List<JobProblem> problems = new ArrayList<>();
    if (!MissionStore.NAME.matcher(job.mission()).matches()) {
      problems.add(new JobProblem(source, null, null, job.name(), "mission",
          "mission names are 1 to 100 characters of letters, digits, '.', '_' or '-', starting with a letter or"
              + " digit; got \"" + job.mission() + "\""));
    }
    List<Violation> violations = new ArrayList<>();
    // Any instant will do: the key's length is the same for every fire of the job.
    TaskValidator.validate(FireTaskBuilder.newTask(job, Instant.EPOCH), "", violations);
    for (Violation v : violations) {
      problems.add(new JobProblem(source, null, null, job.name(), "task." + v.field(),
          v.message() + " (mesh-core would refuse the task)"));
    }
    return problems;
  }
}
