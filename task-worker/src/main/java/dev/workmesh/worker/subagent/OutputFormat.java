package dev.workmesh.worker.subagent;

/**
 * What a runtime prints on stdout, and so where its result, usage and errors come from.
 * See {@link AgentOutputReader}.
 */
public enum OutputFormat {
  /** Plain text: stdout is the result, the exit status says whether it succeeded. */
  TEXT,
  /** Claude Code {@code --output-format json}: one JSON object with {@code result}, {@code is_error}, usage and cost. */
  CLAUDE_JSON,
  /** {@code codex exec --json}: JSON lines; the last {@code agent_message} is the result, {@code turn.completed} the usage. */
  CODEX_JSONL,
  /** Gemini CLI {@code --output-format json}: one JSON object with {@code response}, {@code stats} and {@code error}. */
  GEMINI_JSON
}
