package dev.workmesh.api.mission;

import dev.workmesh.api.auth.BearerAuthFilter;
import dev.workmesh.web.ForbiddenException;
import dev.workmesh.api.web.Cursors;
import dev.workmesh.api.web.Views;
import dev.workmesh.client.model.Budget;
import dev.workmesh.client.model.MissionRequest;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.Page;
import dev.workmesh.core.MeshCore;
import dev.workmesh.core.ValidationException;
import dev.workmesh.core.mission.Mission;
import dev.workmesh.core.mission.MissionBudget;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Missions: named bodies of work. Any authenticated caller may create and read them; a budget may be set
 * at creation by anyone, changed later by the operator.
 */
@RestController
@RequestMapping("/work/missions")
class MissionController {

  private final MeshCore core;

  MissionController(MeshCore core) {
    this.core = core;
  }

  @PostMapping
  ResponseEntity<MissionView> create(@RequestBody MissionRequest request) {
    if (request == null) {
      throw ValidationException.of("body", "must be a JSON object with a name");
    }
    Budget budget = request.budget();
    Mission mission = core.missions().create(request.name(), request.description(),
        budget == null ? null : new MissionBudget(budget.tokens(), budget.costUsd()));
    return ResponseEntity.created(URI.create("/work/missions/" + mission.id()))
        .body(Views.mission(mission, core.tasks().countByStatus(mission.id())));
  }

  @GetMapping
  Page<MissionView> list(@RequestParam(required = false) String cursor,
      @RequestParam(required = false) Integer limit) {
    int n = Cursors.limit(limit);
    List<Mission> missions = core.missions().list(Cursors.parse(cursor), n);
    var counts = core.tasks().countByStatus(missions.stream().map(Mission::id).toList());
    return new Page<>(missions.stream().map(m -> Views.mission(m, counts.get(m.id()))).toList(),
        missions.size() == n ? missions.getLast().id().toString() : null);
  }

  /**
   * Replaces the mission's budget ({@code {}} or both fields null: no limit). Operator only: an agent
   * must not raise the budget that holds it back.
   */
  @PutMapping("/{id}/budget")
  MissionView setBudget(@PathVariable UUID id, @RequestBody(required = false) Budget budget,
      HttpServletRequest http) {
    if (!BearerAuthFilter.caller(http).isOperator()) {
      throw new ForbiddenException("only the operator changes a mission's budget");
    }
    Mission mission = core.missions().setBudget(id,
        budget == null ? null : new MissionBudget(budget.tokens(), budget.costUsd()));
    return Views.mission(mission, core.tasks().countByStatus(id));
  }

  @GetMapping("/{id}")
  MissionView get(@PathVariable UUID id) {
    return Views.mission(core.missions().get(id), core.tasks().countByStatus(id));
  }
}
