package dev.workmesh.devstack.cli;

import dev.workmesh.client.model.Budget;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.Page;
import java.math.BigDecimal;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./mesh missions} and {@code ./mesh mission ...}: list, show, create, and set a budget. */
final class MissionCommands {

  private MissionCommands() {}

  @Command(name = "missions", description = "list missions")
  static final class Missions extends MeshCommand {
    @Override
    public Integer call() {
      mesh.out.printf("%-36s  %s%n", "ID", "NAME");
      Page.all(cursor -> mesh.mesh().missions(cursor, 200))
          .forEach(m -> mesh.out.printf("%-36s  %s%n", m.id(), m.name()));
      return 0;
    }
  }

  /** {@code --budget-tokens N --budget-usd X}, both optional; no budget when neither is given. */
  static final class BudgetOptions {
    @Option(names = "--budget-tokens", paramLabel = "N", converter = OptionValues.WholeNumberLong.class,
        description = "stop claiming once attempts have spent N tokens (input + output)")
    Long tokens;

    @Option(names = "--budget-usd", paramLabel = "X", converter = OptionValues.Decimal.class,
        description = "stop claiming once attempts have spent X US dollars")
    BigDecimal usd;

    Budget budget() {
      return tokens == null && usd == null ? null : new Budget(tokens, usd);
    }
  }

  @Command(name = "mission", description = "show a mission: task counts, budget, what it spent",
      subcommands = {Create.class, SetBudget.class})
  static final class Show extends MeshCommand {
    @Parameters(paramLabel = "MISSION", arity = "0..1", description = "a mission's name or id")
    String mission;

    @Override
    public Integer call() {
      if (mission == null) {
        throw new BadUsageException("usage: ./mesh mission MISSION, ./mesh mission create NAME [DESCRIPTION] [options]"
            + " or ./mesh mission budget MISSION [options]; see ./mesh help mission");
      }
      MissionView m = mesh.mesh().mission(mesh.missionId(mission, false));
      mesh.out.println(m.name() + "  " + m.id());
      if (m.description() != null && !m.description().isBlank()) {
        mesh.out.println("  " + m.description());
      }
      if (m.taskCounts() != null) {
        mesh.out.println("  tasks: " + (m.taskCounts().isEmpty() ? "none" : m.taskCounts().entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))));
      }
      mesh.out.println("  " + UsageText.budget(m));
      mesh.out.println("  spent: " + UsageText.spending(m.spent()));
      return 0;
    }
  }

  @Command(name = "create", description = "create a mission; once its attempts have spent its budget, its tasks"
      + " are not claimed")
  static final class Create extends MeshCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "DESCRIPTION", arity = "0..1", defaultValue = "")
    String description;

    @Mixin
    BudgetOptions budget;

    @Override
    public Integer call() {
      MissionView m = mesh.mesh().createMission(name, description, budget.budget());
      mesh.out.println("created mission " + m.name() + " " + m.id() + " (" + UsageText.budget(m) + ")");
      return 0;
    }
  }

  @Command(name = "budget", description = "replace a mission's budget (no option: no limit)")
  static final class SetBudget extends MeshCommand {
    @Parameters(paramLabel = "MISSION", description = "a mission's name or id")
    String mission;

    @Mixin
    BudgetOptions budget;

    @Override
    public Integer call() {
      MissionView m = mesh.mesh().setMissionBudget(mesh.missionId(mission, false), budget.budget());
      mesh.out.println("mission " + m.name() + ": " + UsageText.budget(m));
      return 0;
    }
  }
}
