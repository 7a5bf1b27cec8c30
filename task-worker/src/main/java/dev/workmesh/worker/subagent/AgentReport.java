package dev.workmesh.worker.subagent;

/**
 * What an agent CLI's machine-readable output said about its run.
 *
 * @param message the agent's final message; null when the output has none
 * @param usage tokens and cost; null when the output reports none
 * @param error the error the CLI reported (a failed model call, an invalid key), in its own words;
 *     null when it reported none
 * @param configurationFailure whether the run failed for a reason another attempt would meet again:
 *     an invalid or missing key, an untrusted directory, an unknown flag
 */
record AgentReport(String message, SubagentUsage usage, String error, boolean configurationFailure) {

  static final AgentReport NONE = new AgentReport(null, null, null, false);
}
