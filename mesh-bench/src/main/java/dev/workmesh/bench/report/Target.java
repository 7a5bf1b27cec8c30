package dev.workmesh.bench.report;

/**
 * One target the issue states, reported (never enforced).
 *
 * @param name what is measured
 * @param goal the target, in words
 * @param measured the figure this run got
 * @param met whether it met the target; null when this run could not tell (a scenario was not run)
 */
public record Target(String name, String goal, String measured, Boolean met) {

  public String verdict() {
    return met == null ? "n/a" : met ? "pass" : "MISS";
  }
}
