package dev.workmesh.testsupport.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Debian's headless Chromium driven by its chromedriver, both found at fixed paths (no download at test
 * time): {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver}, or the system properties
 * {@code workmesh.chromium} and {@code workmesh.chromedriver}. Screenshots go to {@code target/screenshots/}.
 * A module whose tests use it declares {@code selenium-java} as a test dependency (optional here).
 */
public final class HeadlessChromium {

  public static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private HeadlessChromium() {}

  public static ChromeDriver start(int width, int height) {
    Path chromium = Path.of(System.getProperty("workmesh.chromium", "/usr/bin/chromium"));
    Path driver = Path.of(System.getProperty("workmesh.chromedriver", "/usr/bin/chromedriver"));
    if (!Files.isExecutable(chromium) || !Files.isExecutable(driver)) {
      throw new IllegalStateException("The browser tests need Chromium and its driver at " + chromium + " and "
          + driver + ": apt-get install -y chromium chromium-driver (or set -Dworkmesh.chromium and"
          + " -Dworkmesh.chromedriver)");
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=" + width + "," + height, "--lang=en-US", "--force-device-scale-factor=1");
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
        .usingAnyFreePort().build();
    ChromeDriver browser = new ChromeDriver(service, options);
    resize(browser, width, height);
    return browser;
  }

  /** Sets the viewport (not the window) to this size, so a layout is checked at exactly that width. */
  public static void resize(ChromeDriver browser, int width, int height) {
    browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
    browser.manage().window().setSize(new Dimension(width, height));
  }

  public static Path screenshot(WebDriver browser, String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the page logged to the console (errors, CSP violations) since the last call. */
  public static List<String> consoleMessages(WebDriver browser) {
    return browser.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage).toList();
  }
}
