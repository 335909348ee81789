package org.medlora.service.testing;

import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Headless Chromium driven by Selenium, for the console's tests. */
public final class Browser {

  public static final Duration WAIT = Duration.ofSeconds(60);

  private Browser() {}

  /**
   * Debian's {@code chromium} through its {@code chromium-driver} (both from bin/install-tools),
   * found on PATH and given explicitly, so that Selenium Manager never looks for or downloads
   * a browser or a driver.
   */
  public static WebDriver start() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(onPath("chromium").toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
        "--window-size=1440,1200", "--force-device-scale-factor=1", "--lang=en-GB");
    ChromeDriverService driver = new ChromeDriverService.Builder()
        .usingDriverExecutable(onPath("chromedriver").toFile()).usingAnyFreePort().build();
    return new ChromeDriver(driver, options);
  }

  /** Opens the console at {@code url} and gives it the test API key when it asks. */
  public static void openConsole(WebDriver browser, URL url) {
    browser.get(url.toString());
    new WebDriverWait(browser, WAIT)
        .until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key"))).sendKeys(Api.KEY);
    browser.findElement(By.cssSelector("#key-form button")).click();
    new WebDriverWait(browser, WAIT)
        .until(ExpectedConditions.visibilityOfElementLocated(By.id("console")));
  }

  private static Path onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    throw new IllegalStateException(name + " is not on PATH; install it with bin/install-tools"
        + " (Debian packages chromium and chromium-driver)");
  }
}
