package dev.workmesh.worker;

import dev.workmesh.worker.config.TaskWorkerProperties;
import dev.workmesh.worker.secrets.KnownSecrets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The worker's own credentials, which a subagent must neither inherit nor see in its output: the tokens
 * and the variables that hold them, and the passwords of its Kafka settings.
 */
final class WorkerCredentials {

  /** Variables naming the worker's own tokens: a subagent must not inherit the operator's or the agent's token. */
  static final Set<String> CREDENTIAL_VARIABLES =
      Set.of("TASK_WORKER_ENROLMENT_TOKEN", "TASK_WORKER_AGENT_TOKEN", "MESH_ENROLMENT_TOKEN", "MESH_OPERATOR_TOKEN");
  private static final Pattern JAAS_PASSWORD = Pattern.compile("password\\s*=\\s*\"([^\"]*)\"");

  private WorkerCredentials() {}

  /**
   * The variables of {@code environment} that subagents must not inherit: the well-known names of the
   * worker's credentials, and any variable holding the enrolment or agent token under another name.
   */
  static Set<String> variables(TaskWorkerProperties properties, Map<String, String> environment) {
    Set<String> tokens = new LinkedHashSet<>();
    if (properties.enrolmentToken() != null) {
      tokens.add(properties.enrolmentToken());
    }
    if (properties.agentToken() != null) {
      tokens.add(properties.agentToken());
    }
    Set<String> withheld = new LinkedHashSet<>(CREDENTIAL_VARIABLES);
    environment.forEach((name, value) -> {
      if (value != null && tokens.contains(value.strip())) {
        withheld.add(name);
      }
    });
    return withheld;
  }

  /**
   * Secret values masked in attempt output from the start: the configured tokens, the values of the
   * credential variables, and the Kafka passwords ({@code *.password} settings and those in
   * {@code sasl.jaas.config}). The agent token an enrolment returns is added once it is known.
   */
  static KnownSecrets known(TaskWorkerProperties properties, Map<String, String> environment, Map<String, Object> kafka) {
    KnownSecrets known = new KnownSecrets();
    known.add(properties.enrolmentToken());
    known.add(properties.agentToken());
    variables(properties, environment).forEach(name -> known.add(environment.get(name)));
    kafka.forEach((key, value) -> {
      if (key.endsWith(".password") && value != null) {
        known.add(String.valueOf(value));
      }
      if (key.equals("sasl.jaas.config") && value != null) {
        Matcher password = JAAS_PASSWORD.matcher(String.valueOf(value));
        while (password.find()) {
          known.add(password.group(1));
        }
      }
    });
    return known;
  }
}
