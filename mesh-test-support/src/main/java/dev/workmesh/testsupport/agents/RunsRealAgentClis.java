package dev.workmesh.testsupport.agents;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test that runs a real agent CLI (Claude Code, Codex CLI, Gemini CLI) installed from npm at the
 * versions pinned in {@code agent-clis/package-lock.json}. These run under the Maven profile
 * {@code real-agents} ({@code ./mvnw verify -Preal-agents}, which installs the CLIs with {@code npm ci});
 * the default build leaves them out. Find a CLI with {@link AgentClis}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(RunsRealAgentClis.TAG)
public @interface RunsRealAgentClis {
  String TAG = "real-agent";
}
