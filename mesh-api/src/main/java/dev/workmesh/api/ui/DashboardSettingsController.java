package dev.workmesh.api.ui;

import dev.workmesh.api.config.MeshApiProperties;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the dashboard page needs to know before it signs in: where scheduler-service answers, if anywhere.
 * Like the page's files it holds no data and is served without a token; the page calls the scheduler with
 * the operator's bearer token, which the scheduler checks itself.
 */
@RestController
class DashboardSettingsController {

  private final Settings settings;

  DashboardSettingsController(MeshApiProperties properties) {
    MeshApiProperties.Dashboard dashboard = properties.dashboard();
    this.settings = new Settings(dashboard.hasScheduler() ? dashboard.schedulerUrl() : null);
  }

  @GetMapping(DashboardConfiguration.PATH + "settings.json")
  ResponseEntity<Settings> settings() {
    return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(settings);
  }

  /** @param schedulerUrl scheduler-service's origin, or null when the dashboard has no Schedules page */
  record Settings(String schedulerUrl) {}
}
