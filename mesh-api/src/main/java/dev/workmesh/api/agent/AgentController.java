package dev.workmesh.api.agent;

import dev.workmesh.api.auth.AgentTokenCache;
import dev.workmesh.api.auth.BearerAuthFilter;
import dev.workmesh.api.auth.Caller;
import dev.workmesh.web.ForbiddenException;
import dev.workmesh.api.web.Views;
import dev.workmesh.client.model.AgentRequest;
import dev.workmesh.client.model.AgentView;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.core.MeshCore;
import dev.workmesh.core.ValidationException;
import dev.workmesh.core.agent.AgentStatus;
import dev.workmesh.core.agent.Enrolled;
import dev.workmesh.core.agent.NewAgent;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Agents: enrolment (operator only), listing, heartbeats, revocation. */
@RestController
class AgentController {

  private final MeshCore core;
  private final AgentTokenCache agentTokens;

  AgentController(MeshCore core, AgentTokenCache agentTokens) {
    this.core = core;
    this.agentTokens = agentTokens;
  }

  /** Enrols an agent and returns its token, this once only. Only the operator enrols. */
  @PostMapping("/work/agents")
  ResponseEntity<EnrolledAgent> enrol(@RequestBody(required = false) AgentRequest request, HttpServletRequest http) {
    if (!BearerAuthFilter.caller(http).isOperator()) {
      throw new ForbiddenException("only the operator enrols agents; an agent cannot enrol others");
    }
    if (request == null) {
      throw ValidationException.of("name", "is required: the name of the agent or node");
    }
    Enrolled enrolled = core.agents().enrol(new NewAgent(request.name(), request.pools(), request.capabilities(),
        request.runtimes(), request.maxConcurrency(), request.labels()));
    return ResponseEntity.created(URI.create("/work/agents/" + enrolled.agent().id()))
        .body(new EnrolledAgent(Views.agent(enrolled.agent()), enrolled.token()));
  }

  @GetMapping("/work/agents")
  List<AgentView> list(@RequestParam(required = false) String status) {
    AgentStatus filter = null;
    if (status != null) {
      try {
        filter = AgentStatus.fromWire(status.strip().toLowerCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ValidationException.of("status", "must be connected, unhealthy, disconnected or revoked");
      }
    }
    return core.agents().list(filter).stream().map(Views::agent).toList();
  }

  @GetMapping("/work/agents/{id}")
  AgentView get(@PathVariable UUID id) {
    return Views.agent(core.agents().get(id));
  }

  @PostMapping("/work/agents/{id}/heartbeat")
  AgentView heartbeat(@PathVariable UUID id, HttpServletRequest http) {
    requireSelfOrOperator(BearerAuthFilter.caller(http), id, "heartbeat for");
    return Views.agent(core.agents().heartbeat(id));
  }

  /** Revokes an agent: its token stops working at once and its live claims go back to others. */
  @DeleteMapping("/work/agents/{id}")
  ResponseEntity<Void> revoke(@PathVariable UUID id, HttpServletRequest http) {
    requireSelfOrOperator(BearerAuthFilter.caller(http), id, "revoke");
    core.revokeAgent(id);
    agentTokens.forget(id); // other replicas drop it on the notification
    return ResponseEntity.noContent().build();
  }

  private static void requireSelfOrOperator(Caller caller, UUID id, String action) {
    if (!caller.isOperator() && !id.equals(caller.agentId())) {
      throw new ForbiddenException("an agent may " + action + " only itself; this token belongs to agent "
          + caller.agentId());
    }
  }
}
