package dev.workmesh.worker.subagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.testsupport.agents.AgentClis;
import dev.workmesh.testsupport.agents.RunsRealAgentClis;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The real-agent tests run the CLI versions that agent-clis/package.json pins and the README names. */
@RunsRealAgentClis
class PinnedAgentClisTest {

  @ParameterizedTest(name = "{0} --version says {1}")
  @CsvSource({"claude, 2.1.332", "codex, 0.171.0", "gemini, 0.61.0"})
  void theInstalledCliIsThePinnedVersion(String cli, String version) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(AgentClis.executable(cli).toString(), "--version")
        .redirectErrorStream(true)
        .start();
    process.getOutputStream().close();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s --version ends", cli).isTrue();
    String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(printed).isZero();
    assertThat(printed).contains(version);
  }
}
