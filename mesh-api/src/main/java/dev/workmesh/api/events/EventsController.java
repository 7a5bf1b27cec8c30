package dev.workmesh.api.events;

import dev.workmesh.core.MeshCore;
import dev.workmesh.core.ValidationException;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** {@code GET /work/missions/{id}/events}: the mission's task events as server-sent events. */
@RestController
class EventsController {

  /** A stream ends after this long; EventSource clients reconnect with Last-Event-ID and lose nothing. */
  private static final long STREAM_MILLIS = 30 * 60 * 1000L;

  private final MeshCore core;
  private final TaskEventHub hub;

  EventsController(MeshCore core, TaskEventHub hub) {
    this.core = core;
    this.hub = hub;
  }

  @GetMapping(path = "/work/missions/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter events(@PathVariable UUID id, @RequestHeader(name = "Last-Event-ID", required = false) String last) {
    core.missions().get(id);
    Long lastId = null;
    if (last != null && !last.isBlank()) {
      try {
        lastId = Long.parseLong(last.strip());
      } catch (NumberFormatException e) {
        throw ValidationException.of("Last-Event-ID", "must be the id of an event this stream sent");
      }
    }
    SseEmitter emitter = new SseEmitter(STREAM_MILLIS);
    hub.subscribe(id, lastId, emitter);
    return emitter;
  }

  @Scheduled(fixedDelay = 15_000)
  void keepAlive() {
    hub.keepAlive();
  }
}
