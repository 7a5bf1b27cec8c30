package dev.workmesh.api.mission;

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
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Missions: named bodies of work. Any authenticated caller may create and read them. A budget is set at
 * creation; there is no update of a mission.
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
    return new Page<>(missions.stream().map(m -> Views.mission(m, null)).toList(),
        missions.size() == n ? missions.getLast().id().toString() : null);
  }

  @GetMapping("/{id}")
  MissionView get(@PathVariable UUID id) {
    return Views.mission(core.missions().get(id), core.tasks().countByStatus(id));
  }
}
