package dev.workmesh.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.testsupport.TestHttp;
import dev.workmesh.testsupport.browser.HeadlessChromium;
import dev.workmesh.testsupport.browser.RunsInBrowser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard's Schedules page in a real headless Chromium against the whole dev stack: mesh-api serves the
 * page, which calls a real scheduler-service on its own origin (allowed by mesh-api's Content-Security-Policy
 * and by the scheduler's CORS origins). The page lists the jobs with their next and last fire, and pauses and
 * resumes one only after the operator confirms. Screenshots are kept in {@code target/screenshots/}.
 */
@RunsInBrowser
class DashboardSchedulesBrowserTest {

  private static final String JOBS = """
      [[job]]
      name = "tick"
      interval = "2s"
      mission = "ui-schedules"
      [job.task]
      title = "tick"
      runtime = "bash"
      input = { command = "true" }

      [[job]]
      name = "nightly-report"
      schedule = "0 3 * * *"
      time_zone = "UTC"
      mission = "ui-schedules"
      [job.task]
      title = "nightly report"
      runtime = "bash"
      input = { command = "true" }
      """;

  @TempDir Path dataDir;

  @Test
  void theSchedulesPageShowsNextAndLastFireAndPausesAndResumesAJobAfterConfirming() throws Exception {
    Files.writeString(dataDir.resolve("cron.toml"), JOBS);
    int schedulerPort = freePort();
    String schedulerUrl = "http://localhost:" + schedulerPort;
    DevOptions options = DevCommand.parse(List.of("--data-dir", dataDir.toString(), "--api-port", "0",
        "--mcp-port", "0", "--worker-port", "0", "--scheduler-port", String.valueOf(schedulerPort),
        "--watchdog-port", "0", "--postgres-port", "0", "--kafka-port", String.valueOf(freePort())));
    try (DevStack stack = new DevStack(options).start(DevStack.Progress.silent())) {
      String token = stack.operatorTokenValue();
      await().atMost(Duration.ofSeconds(60)).until(() -> job(schedulerUrl, token, "tick").hasNonNull("last_fire"));

      ChromeDriver browser = HeadlessChromium.start(1280, 900);
      try {
        // The page reloads the list every 10 s, replacing its rows: read and click through the wait.
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class);
        signIn(browser, wait, stack.apiUrl(), token);
        wait.until(ExpectedConditions.elementToBeClickable(By.id("nav-schedules"))).click();
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Schedules"));

        By tick = By.cssSelector("tr[data-job='tick']");
        By nightly = By.cssSelector("tr[data-job='nightly-report']");
        wait.until(ExpectedConditions.presenceOfElementLocated(tick));
        assertThat(text(wait, tick, 1)).isEqualTo("every 2s");
        assertThat(text(wait, tick, 2)).isEqualTo("enabled");
        assertThat(firedAt(wait, tick, 3)).as("next fire of tick").isNotBlank();
        assertThat(Instant.parse(firedAt(wait, tick, 4))).as("last fire of tick")
            .isBefore(Instant.now().plusSeconds(1)).isAfter(Instant.now().minusSeconds(120));
        assertThat(text(wait, nightly, 1)).isEqualTo("0 3 * * * (UTC)");
        assertThat(firedAt(wait, nightly, 3)).as("next fire of nightly-report")
            .isEqualTo(job(schedulerUrl, token, "nightly-report").get("next_fire_at").asString());
        assertThat(text(wait, nightly, 4)).as("never fired").isEqualTo("—");
        HeadlessChromium.screenshot(browser, "schedules-1280");

        By pause = By.cssSelector("button[aria-label='Pause nightly-report']");
        click(wait, pause);
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
        assertThat(dialog.getText()).contains("Pause nightly-report?").contains("does not fire until it is resumed");
        dialog.findElement(By.id("confirm-no")).click();
        wait.until(ExpectedConditions.invisibilityOf(dialog));
        assertThat(job(schedulerUrl, token, "nightly-report").get("paused").asBoolean())
            .as("declined: nothing changes").isFalse();

        click(wait, pause);
        wait.until(ExpectedConditions.visibilityOf(dialog));
        HeadlessChromium.screenshot(browser, "schedules-pause-confirm-1280");
        dialog.findElement(By.id("confirm-yes")).click();
        await().atMost(Duration.ofSeconds(30))
            .until(() -> job(schedulerUrl, token, "nightly-report").get("paused").asBoolean());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("toast"), "nightly-report paused."));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(nightly, "paused"));
        assertThat(text(wait, nightly, 3)).as("a paused job has no next fire").isEqualTo("—");
        HeadlessChromium.screenshot(browser, "schedules-paused-1280");

        click(wait, By.cssSelector("button[aria-label='Resume nightly-report']"));
        wait.until(ExpectedConditions.visibilityOf(dialog));
        assertThat(dialog.getText()).contains("Resume nightly-report?");
        dialog.findElement(By.id("confirm-yes")).click();
        await().atMost(Duration.ofSeconds(30))
            .until(() -> !job(schedulerUrl, token, "nightly-report").get("paused").asBoolean());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("toast"), "nightly-report resumed."));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(nightly, "enabled"));
        assertThat(firedAt(wait, nightly, 3)).as("next fire again after resuming").isNotBlank();
        assertThat(browser.findElement(By.tagName("body")).getText()).doesNotContain("[object", "undefined", "NaN",
            "does not answer");
        HeadlessChromium.screenshot(browser, "schedules-resumed-1280");

        assertThat(HeadlessChromium.consoleMessages(browser)).as("the browser console")
            .noneMatch(m -> m.contains("Content Security Policy") || m.contains("CORS")
                || m.contains("Uncaught") || m.contains("TypeError"));
      } finally {
        browser.quit();
      }
    }
  }

  private static void signIn(ChromeDriver browser, WebDriverWait wait, String apiUrl, String token) {
    browser.get(apiUrl + "/ui/");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys(token);
    browser.findElement(By.cssSelector("form.signin button[type=submit]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav")));
  }

  private static void click(WebDriverWait wait, By button) {
    wait.until(d -> {
      d.findElement(button).click();
      return true;
    });
  }

  private static String text(WebDriverWait wait, By row, int cell) {
    return wait.until(d -> d.findElement(row).findElements(By.cssSelector("th, td")).get(cell).getText());
  }

  /** The instant a cell's {@code <time>} element stands for. */
  private static String firedAt(WebDriverWait wait, By row, int cell) {
    return wait.until(d -> d.findElement(row).findElements(By.cssSelector("th, td")).get(cell)
        .findElement(By.tagName("time")).getAttribute("datetime"));
  }

  private static JsonNode job(String schedulerUrl, String token, String name) throws Exception {
    HttpResponse<String> list = TestHttp.send(TestHttp.request("GET", schedulerUrl + "/schedules", token, null));
    assertThat(list.statusCode()).isEqualTo(200);
    for (JsonNode job : MeshClient.JSON.readTree(list.body()).get("jobs")) {
      if (job.get("name").asString().equals(name)) {
        return job;
      }
    }
    throw new AssertionError("no job " + name + " in " + list.body());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
