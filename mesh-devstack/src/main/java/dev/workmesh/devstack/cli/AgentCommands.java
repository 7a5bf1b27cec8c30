package dev.workmesh.devstack.cli;

import dev.workmesh.client.model.AgentRequest;
import dev.workmesh.client.model.AgentView;
import dev.workmesh.client.model.EnrolledAgent;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./mesh agents} and {@code ./mesh enrol}. */
final class AgentCommands {

  private AgentCommands() {}

  @Command(name = "agents", description = "list agents and their health")
  static final class Agents extends MeshCommand {
    @Override
    public Integer call() {
      String row = "%-36s  %-12s  %-20s  %-24s  %s%n";
      mesh.out.printf(row, "ID", "STATUS", "NAME", "POOLS", "LAST HEARTBEAT");
      for (AgentView a : mesh.mesh().agents()) {
        mesh.out.printf(row, a.id(), a.status(), a.name(), String.join(",", a.pools()), a.lastHeartbeatAt());
      }
      return 0;
    }
  }

  @Command(name = "enrol", description = "enrol an agent (e.g. for an MCP client); prints its token once")
  static final class Enrol extends MeshCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--pool", paramLabel = "P", description = "a pool it claims from (repeatable; default: default)")
    List<String> pools = new ArrayList<>();

    @Option(names = "--capability", paramLabel = "C", description = "a capability it holds (repeatable)")
    List<String> capabilities = new ArrayList<>();

    @Option(names = "--runtime", paramLabel = "R", description = "a runtime it offers (repeatable)")
    List<String> runtimes = new ArrayList<>();

    @Option(names = "--max-concurrency", paramLabel = "N", converter = OptionValues.WholeNumber.class)
    Integer maxConcurrency;

    @Override
    public Integer call() {
      EnrolledAgent enrolled = mesh.mesh().enrol(new AgentRequest(name, pools.isEmpty() ? null : pools, capabilities,
          runtimes, maxConcurrency, null));
      mesh.out.println("enrolled agent " + enrolled.agent().name() + " " + enrolled.agent().id());
      mesh.out.println("token (shown once): " + enrolled.token());
      return 0;
    }
  }
}
