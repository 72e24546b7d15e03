package io.cyclelake.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cyclelake.lake.Lake;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Opens the reports in headless Chromium: every chart must have drawn as many marks as its data has points, with no
 * script error, and a screenshot of each page goes to target/report-screenshots/. Skipped, with a message, where no
 * Chromium is installed (Debian: apt-get install chromium; or set CHROMIUM to the browser's path).
 */
class ReportBrowserTest {
  static Path browser;
  static Path dataset;
  static Path run;
  static Path sweep;
  static Path shots;

  @BeforeAll
  static void pages() throws Exception {
    browser = findBrowser();
    assumeTrue(browser != null, "skipped: no headless Chromium found (looked at $CHROMIUM, then chromium, "
        + "chromium-browser, google-chrome on PATH); install Debian's chromium package to run the browser test");
    Lake lake = ReportFixture.lake();
    Path dir = Path.of(lake.root()).getParent();
    dataset = DatasetReport.build(lake, new DatasetReport.Options(null, "charge", 60, 2, ReportFixture.FEATURE_HASH))
        .write(dir.resolve("browser-dataset.html"));
    run = RunReport.build(lake, "r2").write(dir.resolve("browser-run.html"));
    sweep = SweepHtmlReport.build(lake, ReportFixture.SWEEP).write(dir.resolve("browser-sweep.html"));
    shots = Path.of(System.getProperty("cyclelake.project.dir", "."), "target", "report-screenshots");
    Files.createDirectories(shots);
  }

  @Test
  void datasetReportDrawsEveryChartWithoutErrors() throws Exception {
    check(dataset, List.of("chart-fade", "chart-ica", "chart-quarantine"), "dataset");
  }

  @Test
  void runReportDrawsEveryChartWithoutErrors() throws Exception {
    check(run, List.of("chart-parity", "chart-residuals-cell", "chart-residuals-cycle", "chart-importance",
        "chart-loss", "chart-attention"), "run");
  }

  @Test
  void sweepReportDrawsBarsErrorBarsAndCurvesWithoutErrors() throws Exception {
    check(sweep, List.of("chart-mae", "chart-rmse", "chart-loss-0", "chart-loss-1"), "sweep");
  }

  private static void check(Path page, List<String> charts, String name) throws Exception {
    Document dom = Jsoup.parse(chromium(page, "--dump-dom"));
    String statusText = dom.getElementById("render-status").text();
    assertTrue(!statusText.isBlank(), "the page script did not run: render-status is empty");
    JsonNode status = new ObjectMapper().readTree(statusText);
    assertTrue(status.get("done").asBoolean());
    assertEquals(0, status.get("errors").size(), "script errors: " + status.get("errors"));
    List<String> drawn = new ArrayList<>();
    for (JsonNode c : status.get("charts")) {
      drawn.add(c.get("id").asText());
      JsonNode spec = new ObjectMapper().readTree(Jsoup.parse(Files.readString(page))
          .getElementById(c.get("id").asText() + "-data").data());
      int dataSeries = 0;
      for (JsonNode s : spec.get("series")) dataSeries += s.has("intervals") && s.get("intervals").size() > 0 ? 2 : 1;
      assertEquals(dataSeries, c.get("series").size(), c.get("id") + ": a status per drawn series");
      for (JsonNode s : c.get("series")) {
        assertTrue(s.get("expected").asInt() > 0, c.get("id") + "/" + s.get("name") + " has no data");
        assertEquals(s.get("expected").asInt(), s.get("drawn").asInt(), c.get("id") + "/" + s.get("name")
            + ": marks drawn vs data points");
      }
    }
    assertEquals(charts, drawn);
    // Canvases exist in the live DOM: ECharts drew into each chart's element.
    for (String id : charts) assertTrue(!dom.getElementById(id).select("canvas").isEmpty(), id + " has no canvas");
    Path png = shots.resolve(name + ".png");
    chromium(page, "--screenshot=" + png, "--window-size=1280,3200");
    assertTrue(Files.size(png) > 10_000, "screenshot " + png + " is nearly empty");
  }

  private static String chromium(Path page, String... args) throws Exception {
    Path profile = Files.createTempDirectory("cyclelake-chromium");
    List<String> cmd = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-quic", "--user-data-dir=" + profile, "--virtual-time-budget=10000"));
    cmd.addAll(List.of(args));
    cmd.add(page.toUri().toString());
    Path out = profile.resolve("stdout.txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(profile.resolve("stderr.txt")
        .toFile()).start();
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium did not finish in 90 s: " + cmd);
    assertEquals(0, p.exitValue(), "chromium failed: " + Files.readString(profile.resolve("stderr.txt")));
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  static Path findBrowser() {
    String env = System.getenv("CHROMIUM");
    if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env))) return Path.of(env);
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) return p;
      }
    }
    return null;
  }
}
