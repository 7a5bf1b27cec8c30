package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.ClaimRequest;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.CompleteRequest;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.FailRequest;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.testsupport.browser.HeadlessChromium;
import dev.workmesh.testsupport.browser.RunsInBrowser;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium against a real mesh-api (PostgreSQL, Kafka): signing in, a
 * task submitted over REST appearing, running with its log and finishing without a reload, retrying a failed
 * task after confirming with the keyboard, agents and queues, and the layout at 390 px. Screenshots are
 * kept in {@code target/screenshots/}. No page may log a Content-Security-Policy violation or a script error.
 */
@RunsInBrowser
class DashboardBrowserTest extends ApiTestBase {

  private ChromeDriver browser;
  private WebDriverWait wait;

  @BeforeEach
  void openBrowser() {
    browser = HeadlessChromium.start(1280, 900);
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
  }

  @AfterEach
  void closeBrowser() {
    try {
      List<String> console = HeadlessChromium.consoleMessages(browser);
      assertThat(console).as("the browser console").noneMatch(m -> m.contains("Content Security Policy")
          || m.contains("Uncaught") || m.contains("SyntaxError") || m.contains("TypeError"));
    } finally {
      browser.quit();
    }
  }

  @Test
  void aTaskSubmittedOverRestAppearsRunsWithItsLogAndFinishesLiveWithoutAReload() throws Exception {
    MissionView mission = newMission();
    String pool = "ui-" + UUID.randomUUID().toString().substring(0, 8);
    EnrolledAgent agent = enrol(pool);
    MeshClient worker = as(agent.token());

    signIn(OPERATOR_TOKEN);
    WebElement missionLink = wait.until(ExpectedConditions.elementToBeClickable(By.linkText(mission.name())));
    missionLink.click();
    wait.until(ExpectedConditions.textToBe(By.tagName("h1"), mission.name()));
    wait.until(ExpectedConditions.textToBe(By.id("live"), "Live"));
    browser.executeScript("window.samePage = 'not reloaded'");

    TaskView task = operator().submit(mission.id(), TaskRequest.of("Summarise the logs", "read and summarise")
        .withPool(pool).withRuntime("bash", MeshClient.JSON.createObjectNode().put("command", "echo summarising"))).task();
    By row = By.cssSelector("tr[data-task='" + task.id() + "']");
    wait.until(ExpectedConditions.attributeToBe(row, "data-status", "ready"));

    ClaimView claim = worker.claim(new ClaimRequest(null, null, null, null)).getFirst();
    worker.heartbeat(task.id(), claim.claimToken(), "reading 120 files\n");
    wait.until(ExpectedConditions.attributeToBe(row, "data-status", "running"));
    assertReadable();
    HeadlessChromium.screenshot(browser, "mission-tasks-1280");

    browser.findElement(row).findElement(By.linkText("Summarise the logs")).click();
    By log = By.id("log");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(log, "reading 120 files"));
    worker.heartbeat(task.id(), claim.claimToken(), "reading 120 files\nsummarising 3 errors\n");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(log, "summarising 3 errors"));
    assertThat(browser.findElement(By.id("log-state")).getText()).contains("is running");
    assertReadable();
    HeadlessChromium.screenshot(browser, "task-running-1280");

    worker.complete(task.id(), new CompleteRequest(claim.claimToken(),
        MeshClient.JSON.readTree("{\"summary\":\"3 errors, all retried\"}"), 0,
        "reading 120 files\nsummarising 3 errors\ndone\n"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("pre.result"), "3 errors, all retried"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(log, "done"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main h1 + p"), "succeeded"));
    WebElement attempt = browser.findElement(By.cssSelector("tr[data-attempt='" + claim.attemptId() + "']"));
    assertThat(attempt.getText()).contains(agent.agent().name()).contains("succeeded");
    assertThat(browser.executeScript("return window.samePage")).isEqualTo("not reloaded");
    assertReadable();
    HeadlessChromium.screenshot(browser, "task-succeeded-1280");
  }

  @Test
  void aFailedTaskIsRetriedOnlyAfterTheOperatorConfirmsWithTheKeyboard() {
    MissionView mission = newMission();
    String pool = "retry-" + UUID.randomUUID().toString().substring(0, 8);
    EnrolledAgent agent = enrol(pool);
    MeshClient worker = as(agent.token());
    TaskView task = operator().submit(mission.id(), new TaskRequest("Deploy the preview", "deploy", null, null, pool,
        null, null, "bash", MeshClient.JSON.createObjectNode().put("command", "./deploy.sh"), 1, null, null, null,
        null, null)).task();
    ClaimView claim = worker.claim(new ClaimRequest(null, null, null, null)).getFirst();
    worker.fail(task.id(), new FailRequest(claim.claimToken(), "exit status 3", "failed", false, 3, "deploying\nboom\n"));
    assertThat(operator().task(task.id()).status()).isEqualTo("failed");

    browser.get(baseUrl() + "/ui/");
    WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
    input.sendKeys("not-a-token-of-this-mesh", Keys.ENTER);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("signin-error"), "not accepted"));
    assertThat(browser.executeScript("return sessionStorage.getItem('workmesh.token')")).isNull();
    signIn(OPERATOR_TOKEN);
    wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Missions"));
    browser.get(baseUrl() + "/ui/#/tasks/" + task.id());
    assertThat(browser.getCurrentUrl()).doesNotContain(OPERATOR_TOKEN);

    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "boom"));
    WebElement retry = wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//button[.='Retry']")));
    retry.click();
    WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
    assertThat(dialog.getText()).contains("Retry this task?");
    HeadlessChromium.screenshot(browser, "retry-confirm-1280");
    browser.switchTo().activeElement().sendKeys(Keys.ENTER); // focus starts on "Keep as is"
    wait.until(ExpectedConditions.invisibilityOf(dialog));
    assertThat(operator().task(task.id()).status()).as("declined: nothing changes").isEqualTo("failed");

    retry.sendKeys(Keys.ENTER);
    wait.until(ExpectedConditions.visibilityOf(dialog));
    browser.switchTo().activeElement().sendKeys(Keys.TAB);
    assertThat(browser.switchTo().activeElement().getText()).isEqualTo("Retry");
    browser.switchTo().activeElement().sendKeys(Keys.ENTER);
    await().atMost(Duration.ofSeconds(30)).until(() -> operator().task(task.id()).status().equals("ready"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main h1 + p"), "ready"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("toast"), "back to the queue"));
    HeadlessChromium.screenshot(browser, "task-retried-1280");
  }

  @Test
  void at390PixelsThePagesFitTheScreenAndAnAgentIsRevokedAfterConfirming() {
    HeadlessChromium.resize(browser, 390, 844);
    MissionView mission = newMission();
    String pool = "narrow-" + UUID.randomUUID().toString().substring(0, 8);
    EnrolledAgent busy = enrol(pool);
    EnrolledAgent doomed = enrol(pool);
    TaskView waiting = operator().submit(mission.id(), TaskRequest.of("Index the repository", "index").withPool(pool))
        .task();
    operator().submit(mission.id(), TaskRequest.of("Waits in the queue", "later").withPool(pool));
    ClaimView held = as(busy.token()).claim(new ClaimRequest(null, null, null, null)).getFirst();
    assertThat(held.task().id()).isEqualTo(waiting.id());

    signIn(busy.token());
    wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Missions"));
    assertReadable();
    assertThat(browser.findElement(By.id("nav-schedules")).isDisplayed())
        .as("no scheduler answers on the dashboard's origin here, so no Schedules link").isFalse();
    HeadlessChromium.screenshot(browser, "missions-390");
    browser.findElement(By.linkText("Agents")).click();
    By busyRow = By.cssSelector("tr[data-agent='" + busy.agent().id() + "']");
    wait.until(ExpectedConditions.presenceOfElementLocated(busyRow));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(busyRow, "task …"));
    assertReadable();
    HeadlessChromium.screenshot(browser, "agents-390");
    browser.findElement(By.id("sign-out")).click();

    signIn(OPERATOR_TOKEN);
    browser.get(baseUrl() + "/ui/#/missions/" + mission.id());
    wait.until(ExpectedConditions.textToBe(By.tagName("h1"), mission.name()));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-task='" + waiting.id() + "']")));
    assertReadable();
    HeadlessChromium.screenshot(browser, "mission-tasks-390");
    browser.get(baseUrl() + "/ui/#/tasks/" + waiting.id());
    wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Index the repository"));
    assertReadable();
    HeadlessChromium.screenshot(browser, "task-390");

    browser.findElement(By.linkText("Queues")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("figure[data-pool='" + pool + "'] svg")));
    assertThat(browser.findElement(By.cssSelector("figure[data-pool='" + pool + "'] svg")).getAttribute("aria-label"))
        .contains("1 ready now");
    assertReadable();
    HeadlessChromium.screenshot(browser, "queues-390");

    browser.findElement(By.linkText("Agents")).click();
    WebElement revoke = wait.until(ExpectedConditions.elementToBeClickable(
        By.cssSelector("button[aria-label='Revoke agent " + doomed.agent().name() + "']")));
    revoke.click();
    WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
    HeadlessChromium.screenshot(browser, "revoke-confirm-390");
    dialog.findElement(By.id("confirm-yes")).click();
    await().atMost(Duration.ofSeconds(30)).until(() -> operator().agents().stream()
        .anyMatch(a -> a.id().equals(doomed.agent().id()) && a.status().equals("revoked")));
    wait.until(ExpectedConditions.invisibilityOfElementLocated(
        By.cssSelector("tr[data-agent='" + doomed.agent().id() + "']")));
  }

  private void signIn(String token) {
    if (!browser.getCurrentUrl().startsWith(baseUrl() + "/ui/")) {
      browser.get(baseUrl() + "/ui/");
    }
    WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
    input.clear();
    input.sendKeys(token);
    browser.findElement(By.cssSelector("form.signin button[type=submit]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav")));
    assertThat(browser.manage().getCookies()).as("the token is never a cookie").isEmpty();
    assertThat(browser.getCurrentUrl()).doesNotContain(token);
  }

  /**
   * Nothing wider than the viewport (wide tables scroll inside their own box, the page never sideways), and
   * no value rendered as a JavaScript object instead of text.
   */
  private void assertReadable() {
    assertThat(browser.findElement(By.tagName("body")).getText()).doesNotContain("[object", "undefined", "NaN");
    Object overflow = browser.executeScript(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
    assertThat(((Number) overflow).intValue()).as("page overflow in px at %s", browser.getCurrentUrl()).isLessThanOrEqualTo(0);
  }
}
