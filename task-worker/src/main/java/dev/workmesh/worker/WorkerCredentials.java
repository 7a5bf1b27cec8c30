package dev.workmesh.worker;

import dev.workmesh.worker.config.TaskWorkerProperties;
import dev.workmesh.worker.identity.CredentialVariables;
import dev.workmesh.worker.secrets.KnownSecrets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The worker's own credentials as values to mask in attempt output (the variables a subagent must not
 * inherit are {@link CredentialVariables}).
 */
final class WorkerCredentials {

  private static final Pattern JAAS_PASSWORD = Pattern.compile("password\\s*=\\s*\"([^\"]*)\"");

  private WorkerCredentials() {}

  /**
   * Secret values masked in attempt output from the start: the configured tokens, the values of the
   * credential variables, and the Kafka passwords ({@code *.password} settings and those in
   * {@code sasl.jaas.config}). The agent token an enrolment returns is added once it is known.
   */
  static KnownSecrets known(TaskWorkerProperties properties, Map<String, String> environment, Map<String, Object> kafka) {
    KnownSecrets known = new KnownSecrets();
    known.add(properties.enrolmentToken());
    known.add(properties.agentToken());
    CredentialVariables.withheldFrom(properties, environment).forEach(name -> known.add(environment.get(name)));
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
