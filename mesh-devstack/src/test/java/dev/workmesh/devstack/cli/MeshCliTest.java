package dev.workmesh.devstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What {@code ./mesh} says and which exit code it gives when the command line is wrong (decided before any
 * request), when the mesh cannot be reached, and when a cancel only asks a running task to stop.
 */
class MeshCliTest {

  private static final String MISSION = UUID.randomUUID().toString();
  private static final String TASK = "0190b7a4-4a4e-7c1d-9f2e-3b5a6c7d8e9f";

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private HttpServer server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** Runs the CLI against {@code apiUrl}; nothing listens there unless a test starts a server. */
  private int runAgainst(String apiUrl, String... argv) {
    MeshCli cli = new MeshCli(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of("MESH_API_URL", apiUrl, "MESH_OPERATOR_TOKEN", "operator-token", "MESH_DEV_DIR", "/nonexistent"));
    return cli.run(List.of(argv));
  }

  private int run(String... argv) {
    return runAgainst(closedPortUrl(), argv);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8).strip();
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8).strip();
  }

  private static String closedPortUrl() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void badInputJsonIsAUsageErrorNamingTheOptionNotAConnectionProblem() {
    assertThat(run("submit", MISSION, "t", "--input", "{oops}")).isEqualTo(2);

    assertThat(err()).startsWith("--input is not valid JSON: ")
        .contains("'o'", "at character 2")
        .doesNotContain("code 111", "cannot reach", "./mesh dev");
  }

  @Test
  void inputThatIsJsonButNotAnObjectSaysAnObjectIsExpected() {
    assertThat(run("submit", MISSION, "t", "--input", "[1,2]")).isEqualTo(2);

    assertThat(err()).startsWith("--input must be a JSON object");
  }

  @ParameterizedTest
  @CsvSource({
      "submit, --priority",
      "submit, --max-attempts",
      "enrol, --max-concurrency",
      "mission create, --budget-tokens",
  })
  void everyNumericOptionSaysItExpectsAWholeNumber(String command, String option) {
    String[] head = command.split(" ");
    String[] argv = switch (head[0]) {
      case "submit" -> new String[] {"submit", MISSION, "t", option, "high"};
      case "enrol" -> new String[] {"enrol", "agent-1", option, "high"};
      default -> new String[] {"mission", "create", "m", option, "high"};
    };

    assertThat(run(argv)).isEqualTo(2);

    assertThat(err()).isEqualTo(option + " expects a whole number, got \"high\"");
  }

  @Test
  void aBudgetInDollarsSaysItExpectsANumber() {
    assertThat(run("mission", "budget", MISSION, "--budget-usd", "lots")).isEqualTo(2);

    assertThat(err()).isEqualTo("--budget-usd expects a number such as 2.50, got \"lots\"");
  }

  @Test
  void aTimeoutSaysWhichDurationsItTakes() {
    assertThat(run("submit", MISSION, "t", "--timeout", "soon")).isEqualTo(2);

    assertThat(err()).startsWith("--timeout expects a duration such as \"30s\"").endsWith("got \"soon\"");
  }

  @ParameterizedTest
  @CsvSource({"task", "retry", "cancel"})
  void aTaskIdThatIsNoUuidNamesTheArgument(String command) {
    assertThat(run(command, "nope")).isEqualTo(2);

    assertThat(err()).startsWith("./mesh " + command + " ID expects a task id (a UUID")
        .endsWith("got \"nope\"")
        .doesNotContain("Invalid UUID string");
  }

  @Test
  void anAgentThatIsNoUuidNamesTheOption() {
    assertThat(run("submit", MISSION, "t", "--policy", "assigned", "--agent", "bob")).isEqualTo(2);

    assertThat(err()).startsWith("--agent expects an agent id (a UUID").endsWith("got \"bob\"");
  }

  @Test
  void anAssignedPolicyWithoutAnAgentNamesTheFlagNotTheApiField() {
    assertThat(run("submit", MISSION, "t", "--policy", "assigned")).isEqualTo(2);

    assertThat(err()).contains("--policy assigned needs --agent").doesNotContain("assigned_agent");
  }

  @Test
  void anUnknownPolicySaysWhichOnesExist() {
    assertThat(run("submit", MISSION, "t", "--policy", "everyone")).isEqualTo(2);

    assertThat(err()).isEqualTo("--policy expects first_claim, assigned or broadcast, got \"everyone\"");
  }

  @Test
  void anOptionWithoutItsValueSaysSo() {
    assertThat(run("submit", MISSION, "t", "--priority")).isEqualTo(2);

    assertThat(err()).isEqualTo("--priority needs a value");
  }

  @Test
  void aMeshThatDoesNotAnswerIsAConnectionErrorThatSaysHowToStartIt() {
    String url = closedPortUrl();

    assertThat(runAgainst(url, "task", TASK)).isEqualTo(1);

    assertThat(err()).startsWith("cannot reach the mesh at " + url).contains("./mesh dev");
  }

  @Test
  void anErrorOfTheMeshIsExitCodeOne() throws IOException {
    String url = serve("/work/tasks/" + TASK, 404, """
        {"type":"about:blank","title":"Not Found","status":404,"detail":"no task %s"}""".formatted(TASK));

    assertThat(runAgainst(url, "task", TASK)).isEqualTo(1);

    assertThat(err()).isEqualTo("error 404: no task " + TASK);
  }

  @Test
  void cancellingARunningTaskSaysCancellationWasRequested() throws IOException {
    String url = serve("/work/tasks/" + TASK + "/cancel", 200, task("running", true));

    assertThat(runAgainst(url, "cancel", TASK)).isZero();

    assertThat(out()).startsWith(TASK + "  cancellation requested: the task is running;")
        .contains("next heartbeat");
    assertThat(err()).isEmpty();
  }

  @Test
  void cancellingAReadyTaskSaysItEndedAtOnce() throws IOException {
    String url = serve("/work/tasks/" + TASK + "/cancel", 200, task("cancelled", false));

    assertThat(runAgainst(url, "cancel", TASK)).isZero();

    assertThat(out()).isEqualTo(TASK + "  cancellation requested: the task is now cancelled");
  }

  @Test
  void anUnknownCommandIsNamedAndHelpListsTheCommands() {
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err()).isEqualTo("unknown command 'frobnicate'; ./mesh help lists them");

    assertThat(run("help")).isZero();
    assertThat(out()).contains("submit", "tasks", "retry", "cancel", "enrol", "schedules");
  }

  @Test
  void aMissingArgumentNamesItAndPointsToTheCommandsHelp() {
    assertThat(run("submit", MISSION)).isEqualTo(2);

    assertThat(err()).contains("'TITLE'").endsWith("see ./mesh submit --help");
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    assertThat(run("tasks", MISSION, "--colour", "red")).isEqualTo(2);

    assertThat(err()).contains("--colour").doesNotContain("cannot reach");
  }

  @Test
  void aDevPortOutOfRangeSaysWhichPortsItTakes() {
    MeshCli cli = new MeshCli(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of()).add(new dev.workmesh.devstack.DevCommand());

    assertThat(cli.run(List.of("dev", "--api-port", "70000"))).isEqualTo(2);

    assertThat(err()).isEqualTo("--api-port expects a port number from 0 to 65535, got \"70000\"");
  }

  @Test
  void theTrainingCallReachesTheSuccessPathOfEveryCommandItRunsAndIsNotListed() {
    assertThat(run("train-cli")).isZero();

    assertThat(out()).contains("succeeded   first_claim", "usage: 1500 tokens (1200 in + 300 out), $0.0123",
        "      | bye", "submitted: ");
    assertThat(err()).contains("error 404: no task ", "cannot reach the mesh at ");
    out.reset();
    assertThat(run("help")).isZero();
    assertThat(out()).doesNotContain("train-cli");
  }

  private static String task(String status, boolean cancelRequested) {
    return """
        {"id":"%s","mission_id":"%s","title":"t","claim_policy":"first_claim","pool":"default","priority":0,
         "max_attempts":3,"status":"%s","attempt":1,"cancel_requested":%s}"""
        .formatted(TASK, MISSION, status, cancelRequested);
  }

  /** A stand-in for mesh-api that answers one path with {@code body}. */
  private String serve(String path, int status, String body) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(path, exchange -> {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type",
          status == 200 ? "application/json" : "application/problem+json");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }
}
