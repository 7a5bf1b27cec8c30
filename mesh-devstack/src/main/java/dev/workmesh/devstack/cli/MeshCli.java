package dev.workmesh.devstack.cli;

import dev.workmesh.client.MeshApiException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.web.client.ResourceAccessException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The command line of {@code ./mesh}: the everyday operator commands over the REST API, and whatever commands
 * the launcher adds ({@code dev}). Exit code 0 done, 1 the mesh refused or could not be reached, 2 a wrong
 * command line, decided before anything is sent.
 */
public final class MeshCli {

  /**
   * The commands over the REST API, in the order {@code ./mesh help} lists them, and the hidden call that
   * fills the start-up cache.
   */
  private static final List<Class<?>> COMMANDS = List.of(HelpCommand.class, MissionCommands.Missions.class,
      MissionCommands.Show.class, TaskCommands.Submit.class, TaskCommands.ListTasks.class, TaskCommands.Show.class,
      TaskLogs.class, TaskCommands.Retry.class, TaskCommands.Cancel.class, WatchCommand.class,
      AgentCommands.Agents.class, AgentCommands.Enrol.class, Schedules.class, CliTraining.class);

  private final MeshConnection connection;
  private final PrintStream out;
  private final PrintStream err;
  private final List<Object> launcherCommands = new ArrayList<>();

  public MeshCli(PrintStream out, PrintStream err) {
    this(out, err, System.getenv());
  }

  /** @param env where {@link CliConfig} finds the mesh */
  MeshCli(PrintStream out, PrintStream err, Map<String, String> env) {
    this.connection = new MeshConnection(out, err, env);
    this.out = out;
    this.err = err;
  }

  /** Adds a command of the launcher (it gets no connection to the mesh). */
  public MeshCli add(Object command) {
    launcherCommands.add(command);
    return this;
  }

  /** Runs one command line and answers its exit code. */
  public int run(List<String> argv) {
    return commandLine(argv.isEmpty() ? "" : argv.getFirst()).execute(argv.toArray(String[]::new));
  }

  /**
   * The command line with only the command named first, or with every command when none is (help, a
   * mistyped name): picocli reads each command's annotations as it is added, which would otherwise be a good
   * part of the CPU of a call that runs one of them.
   */
  private CommandLine commandLine(String first) {
    boolean onlyFirst = !first.equals("help") && (COMMANDS.stream().anyMatch(c -> nameOf(c).equals(first))
        || launcherCommands.stream().anyMatch(c -> nameOf(c.getClass()).equals(first)));
    CommandLine root = new CommandLine(new Root(), new ConnectedFactory(connection));
    COMMANDS.stream().filter(c -> !onlyFirst || nameOf(c).equals(first)).forEach(root::addSubcommand);
    launcherCommands.stream().filter(c -> !onlyFirst || nameOf(c.getClass()).equals(first))
        .forEach(c -> root.addSubcommand(new CommandLine(c)));
    addHelpOption(root);
    root.setOut(new PrintWriter(out, true));
    root.setErr(new PrintWriter(err, true));
    root.setParameterExceptionHandler((e, args) -> {
      err.println(describe(e));
      return 2;
    });
    root.setExecutionExceptionHandler((e, cl, parsed) -> failed(e, err));
    return root;
  }

  private static String nameOf(Class<?> command) {
    return command.getAnnotation(Command.class).name();
  }

  /** {@code -h}/{@code --help} on every command but {@code help} itself, which has its own. */
  private static void addHelpOption(CommandLine command) {
    if (!(command.getCommand() instanceof HelpCommand)) {
      command.getCommandSpec().addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
          .description("show this help").build());
    }
    command.getSubcommands().values().forEach(MeshCli::addHelpOption);
  }

  @Command(name = "./mesh",
      description = "Talk to a Workmesh mesh, or start one on this machine with ./mesh dev.",
      footer = {"", "  ./mesh bench [--quick]   run the benchmark (see docs/benchmark.md)", "",
          "Settings come from MESH_API_URL and MESH_OPERATOR_TOKEN, else from the",
          "dev.env of ./mesh dev.",
          "Exit code: 0 done, 1 the mesh refused or could not be reached, 2 a wrong command line."})
  static final class Root implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return 2;
    }
  }

  /** A wrong command line, said in the user's terms: the option or argument, what it expects, what it got. */
  static String describe(ParameterException e) {
    ArgSpec arg = e.getArgSpec();
    if (e.getCause() instanceof TypeConversionException expected && arg != null) {
      return label(e.getCommandLine(), arg) + " " + expected.getMessage() + ", got \"" + e.getValue() + "\"";
    }
    if (e instanceof CommandLine.MissingParameterException missing && missing.getMissing().size() == 1
        && missing.getMissing().getFirst() instanceof OptionSpec option
        && e.getMessage().startsWith("Missing required parameter for option")) {
      return option.longestName() + " needs a value";
    }
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched && e.getCommandLine().getParent() == null
        && !e.getCommandLine().getParseResult().hasSubcommand() && !unmatched.getUnmatched().isEmpty()) {
      return "unknown command '" + unmatched.getUnmatched().getFirst() + "'; ./mesh help lists them";
    }
    return e.getMessage() + "\nsee " + e.getCommandLine().getCommandSpec().qualifiedName(" ") + " --help";
  }

  private static String label(CommandLine command, ArgSpec arg) {
    return arg instanceof OptionSpec option ? option.longestName()
        : command.getCommandSpec().qualifiedName(" ") + " " + arg.paramLabel();
  }

  private int failed(Exception e, PrintStream err) {
    switch (e) {
      case BadUsageException usage -> {
        err.println(usage.getMessage());
        return 2;
      }
      case MeshApiException api -> err.println("error " + api.status() + ": "
          + (api.problem() == null ? api.getMessage() : api.problem().detail()));
      case MeshUnreachableException unreachable -> err.println(unreachable.getMessage());
      case ResourceAccessException unreachable -> err.println(cannotReach(unreachable));
      case IOException unreachable -> err.println(cannotReach(unreachable));
      case InterruptedException interrupted -> Thread.currentThread().interrupt();
      default -> err.println("error: " + e.getMessage());
    }
    return 1;
  }

  private String cannotReach(Exception e) {
    return "cannot reach the mesh at " + connection.apiUrlOrNull() + ": " + rootCause(e)
        + " (is it running? start it with './mesh dev')";
  }

  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  /**
   * Builds each command as picocli would, and hands a {@link MeshCommand} the shared connection; a command
   * that builds itself from the connection (a constructor taking it) gets it there.
   */
  private record ConnectedFactory(MeshConnection connection) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      K command;
      try {
        command = type.getDeclaredConstructor(MeshConnection.class).newInstance(connection);
      } catch (NoSuchMethodException noConnection) {
        command = CommandLine.defaultFactory().create(type);
      }
      if (command instanceof MeshCommand meshCommand) {
        meshCommand.mesh = connection;
      }
      return command;
    }
  }
}
