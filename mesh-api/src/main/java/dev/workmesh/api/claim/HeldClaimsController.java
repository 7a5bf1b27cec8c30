package dev.workmesh.api.claim;

import dev.workmesh.client.model.HeldClaim;
import dev.workmesh.core.MeshCore;
import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The claims agents hold now: which task each agent is working on. */
@RestController
class HeldClaimsController {

  /** The most claims one answer lists (oldest claims first). */
  static final int MAX_CLAIMS = 1_000;

  private final MeshCore core;

  HeldClaimsController(MeshCore core) {
    this.core = core;
  }

  /** The live attempts of one agent ({@code agent_id}), or of every agent. */
  @GetMapping("/work/claims")
  List<HeldClaim> held(@RequestParam(name = "agent_id", required = false) UUID agentId) {
    if (agentId != null) {
      core.agents().get(agentId);
    }
    return core.tasks().liveAttempts(agentId, MAX_CLAIMS).stream()
        .map(a -> new HeldClaim(a.taskId(), a.id(), a.agentId(), a.number(), a.claimedAt(), a.startedAt(),
            a.leaseExpiresAt()))
        .toList();
  }
}
