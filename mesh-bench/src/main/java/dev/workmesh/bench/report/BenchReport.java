package dev.workmesh.bench.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A whole run: where and when, with what settings, every scenario's figures, the ratios between them,
 * and the targets.
 *
 * @param startedAt ISO-8601 instant the run began
 * @param machine cores, memory, Java, load average before and after (the machine is shared)
 * @param settings the options the run used
 * @param results every scenario, in the order run
 * @param ratios tasks/s of each Workmesh scenario over the batched raw baseline and over db-scheduler
 * @param targets the targets and whether this run met them
 * @param notes how to read the figures
 * @param scaling the scaling sweep; null (and left out of the JSON) when it did not run
 */
public record BenchReport(
    String startedAt,
    Map<String, Object> machine,
    Map<String, Object> settings,
    List<ScenarioResult> results,
    Map<String, Map<String, Double>> ratios,
    List<Target> targets,
    List<String> notes,
    @JsonInclude(JsonInclude.Include.NON_NULL) ScalingReport scaling) {

  public boolean auditsClean() {
    return results.stream().allMatch(r -> r.audit().clean()) && (scaling == null || scaling.auditsClean());
  }
}
