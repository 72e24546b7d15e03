package io.cyclelake.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.cyclelake.config.ConfigLoader;
import io.cyclelake.features.FeaturesJob;
import io.cyclelake.ingest.SourceReaders;
import io.cyclelake.ingest.IngestJob;
import io.cyclelake.ingest.synthetic.FleetSpec;
import io.cyclelake.ingest.synthetic.SyntheticFleet;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.report.card.ModelCard;
import io.cyclelake.schema.Tables;
import io.cyclelake.sweep.SweepJob;
import io.cyclelake.testkit.TestSpark;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Executes every notebook of {@code notebooks/} top to bottom with {@code jupyter nbconvert --execute} on the
 * {@code cyclelake} kernel as {@code notebooks/install-kernel.sh} installs it (the application jar through
 * {@code jobs/cyclelake notebook-kernel}), over a small lake built here: a SYNTHETIC fleet of 3 cells × 12 cycles
 * ingested and featurised by the real jobs, and two LOCO ridge sweeps that share one spec. Each executed notebook must
 * have run every code cell, hold no error output, and show its figures as {@code image/svg+xml} with as many data
 * points as the lake has. Skipped, with a message, where Jupyter's nbconvert is not installed.
 */
class NotebooksIT {
  static final Path PROJECT = Path.of(System.getProperty("cyclelake.project.dir", ".")).toAbsolutePath();
  static final Path WORK = PROJECT.resolve("target/notebooks-it");
  static final ObjectMapper JSON = new ObjectMapper();
  static final Pattern POINTS = Pattern.compile("^Figure: (.*) \\((\\d+) points\\)$");
  static final List<String> NOTEBOOKS = List.of("explore-lake", "compare-sweeps", "model-errors");
  static final Map<String, JsonNode> executed = new java.util.HashMap<>();
  static Lake lake;
  static Path jupyterPath;
  static String sweepA;
  static String sweepB;

  @BeforeAll
  static void lakeAndKernel() throws Exception {
    String missing = missingJupyter();
    assumeTrue(missing == null, "NotebooksIT skipped: " + missing + ". On Debian: apt-get install jupyter-nbconvert "
        + "python3-nbconvert jupyter-client python3-ipykernel (.ci/run installs them when it runs as root).");
    Path jar = Path.of(System.getProperty("cyclelake.app.jar", PROJECT.resolve("target/cyclelake.jar").toString()));
    assertTrue(Files.isRegularFile(jar), "the application jar " + jar + " is missing: NotebooksIT runs after "
        + "`package` (mvn -B verify)");
    delete(WORK);
    long t0 = System.nanoTime();
    Path data = WORK.resolve("fleet");
    SyntheticFleet.write(new FleetSpec(3, 8, List.of(4.0, 24.0, 43.0), 30.0, 7L), data);
    lake = new Lake(TestSpark.get(), WORK.resolve("lake").toString());
    IngestJob.run(lake, SourceReaders.byName("nasa"), data, TestSpark.config().getConfig("cyclelake.ingest.nasa"),
        Set.of(), false, Progress.quiet());
    long tIngest = System.nanoTime();
    FeaturesJob.run(lake, TestSpark.config(), Progress.quiet());
    long tFeatures = System.nanoTime();
    sweepA = SweepJob.run(lake, sweep("notebook-a", "[cycle_index, ambient_temperature_c, voltage_mean_v, "
        + "temperature_mean_c]", "[0.1, 10.0]"), Progress.quiet()).sweepId();
    sweepB = SweepJob.run(lake, sweep("notebook-b", "[cycle_index, ambient_temperature_c]", "[0.1]"),
        Progress.quiet()).sweepId();
    long t1 = System.nanoTime();
    Path prefix = WORK.resolve("jupyter");
    Result install = run(List.of(PROJECT.resolve("notebooks/install-kernel.sh").toString(), "--prefix",
        prefix.toString()), Map.of(), WORK.resolve("install-kernel.log"), 300);
    assertEquals(0, install.exit(), "install-kernel.sh failed:\n" + install.log());
    jupyterPath = prefix.resolve("share/jupyter");
    JsonNode spec = JSON.readTree(jupyterPath.resolve("kernels/cyclelake/kernel.json").toFile());
    assertEquals(List.of(PROJECT.resolve("jobs/cyclelake").toString(), "notebook-kernel", "{connection_file}"),
        List.of(spec.get("argv").get(0).asText(), spec.get("argv").get(1).asText(), spec.get("argv").get(2).asText()));
    long t2 = System.nanoTime();
    System.out.printf("NotebooksIT: lake: ingest %.1f s, features %.1f s, 2 sweeps %.1f s; kernel installed %.1f s%n",
        (tIngest - t0) / 1e9, (tFeatures - tIngest) / 1e9, (t1 - tFeatures) / 1e9, (t2 - t1) / 1e9);
    // the three notebooks run at the same time (three kernels): most of a kernel's time is JVM and Spark start-up
    Map<String, Process> running = new java.util.LinkedHashMap<>();
    for (String name : NOTEBOOKS) running.put(name, start(name));
    for (var e : running.entrySet()) executed.put(e.getKey(), finish(e.getKey(), e.getValue()));
    System.out.printf("NotebooksIT: %d notebooks executed in %.1f s%n", NOTEBOOKS.size(),
        (System.nanoTime() - t2) / 1e9);
  }

  static Config sweep(String name, String features, String alphas) {
    return ConfigLoader.load(Path.of("does-not-exist"), List.of(), List.of("spark.master=\"local[2]\"",
        "spark.conf.\"spark.sql.shuffle.partitions\"=2", "sweep.name=" + name, "sweep.split=loco",
        "split.loco.validation-cells=1", "sweep.save-models=false", "sweep.features=" + features,
        "sweep.models=[{model=ridge, grid{alpha=" + alphas + "}}]"));
  }

  @Test
  void exploreLakeDrawsTheFadeOfEveryCellAndOneCellsIcaCurves() throws Exception {
    JsonNode nb = executed.get("explore-lake");
    List<String> figures = figures(nb);
    long discharges = lake.read(Tables.CYCLES, "ingest").where("cycle_type = 'discharge' and capacity_ah is not null")
        .count();
    long firstCell = lake.read(Tables.CYCLES, "ingest").where("cycle_type = 'discharge' and capacity_ah is not null "
        + "and cell_id = 'S0001'").count();
    assertEquals(List.of("Capacity fade|" + discharges, "Capacity fade, cell S0001|" + firstCell), figures.subList(0, 2),
        "figures of the notebook (title|points)");
    assertEquals(3, figures.size(), figures.toString());
    assertTrue(figures.get(2).startsWith("ICA, cell S0001 (charge)|"), figures.get(2));
    assertTrue(Integer.parseInt(figures.get(2).split("\\|")[1]) > 6 * 10, "6 ICA curves of more than 10 points");
    String tables = html(nb).get(0);
    for (String t : List.of("cycles", "timeseries", "ica_curves", "runs", "predictions")) {
      assertTrue(tables.contains("<td>" + t + "</td>"), "tables() lists " + t + ":\n" + tables);
    }
  }

  @Test
  void compareSweepsDrawsBothSweepsSpecsAndTestsTheSharedOne() throws Exception {
    JsonNode nb = executed.get("compare-sweeps");
    List<String> figures = figures(nb);
    int bars = ModelCard.specs(lake, sweepA).size() + ModelCard.specs(lake, sweepB).size();
    assertEquals(3, bars);
    assertEquals(List.of("mae on test per spec (mean ± sd over folds)|" + bars), figures);
    String svg = svgs(nb).get(0);
    assertTrue(svg.contains(sweepA) && svg.contains(sweepB), "the legend names both sweeps");
    List<String> html = html(nb);
    String compared = html.get(html.size() - 1);
    assertTrue(compared.contains("ridge") && compared.contains("<td class=\"num\">3</td>"),
        "one shared spec (ridge alpha 0.1), 3 paired folds:\n" + compared);
  }

  @Test
  void modelErrorsDrawsEveryTestPredictionOfTheBestSpec() throws Exception {
    JsonNode nb = executed.get("model-errors");
    List<String> figures = figures(nb);
    String best = nb.get("cells").get(2).get("outputs").get(0).get("data").get("text/plain").get(0).asText();
    assertTrue(best.matches("\"?" + Pattern.quote(sweepB) + "/s\\d+\"?"), "the default model is a spec of the latest "
        + "sweep: " + best);
    String spec = best.replace("\"", "");
    ModelCard.Spec s = ModelCard.specs(lake, sweepB).stream().filter(x -> spec.endsWith("/s" + x.index())).findFirst()
        .orElseThrow();
    long n = lake.read(Tables.PREDICTIONS, "sweep").where(org.apache.spark.sql.functions.col("run_id")
        .isin(s.runIds().toArray()).and(org.apache.spark.sql.functions.col("part").equalTo("test"))).count();
    assertTrue(n > 0);
    assertEquals(List.of("Predicted vs actual, " + spec + "|" + n, "Error by cycle, " + spec + "|" + n), figures);
  }

  /** Starts nbconvert on notebooks/NAME.ipynb (its output in WORK/NAME.log, the executed copy in WORK/out). */
  static Process start(String name) throws IOException {
    Path out = WORK.resolve("out");
    Files.createDirectories(out);
    ProcessBuilder pb = new ProcessBuilder(List.of("jupyter", "nbconvert", "--to", "notebook", "--execute",
        "--ExecutePreprocessor.kernel_name=cyclelake", "--ExecutePreprocessor.timeout=600",
        "--ExecutePreprocessor.startup_timeout=180", "--output-dir", out.toString(),
        PROJECT.resolve("notebooks/" + name + ".ipynb").toString()))
        .redirectErrorStream(true).redirectOutput(WORK.resolve(name + ".log").toFile()).directory(PROJECT.toFile());
    pb.environment().putAll(Map.of(
        "JUPYTER_PATH", jupyterPath.toString(),
        "JUPYTER_DATA_DIR", WORK.resolve("jupyter-data").toString(),
        "JUPYTER_RUNTIME_DIR", WORK.resolve("jupyter-runtime-" + name).toString(),
        "CYCLELAKE_LAKE", lake.root(),
        "CYCLELAKE_DRIVER_MEMORY", "768m",
        "CYCLELAKE_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dspark.master=local[1] "
            + "-Dspark.ui.enabled=false -Dspark.sql.shuffle.partitions=1 "
            + "-Dspark.databricks.delta.snapshotPartitions=1"));
    return pb.start();
  }

  /**
   * Waits for nbconvert; returns the executed notebook after the checks every notebook passes: it exited with 0,
   * every code cell ran and showed something, and no output is an error.
   */
  static JsonNode finish(String name, Process p) throws Exception {
    Path log = WORK.resolve(name + ".log");
    if (!p.waitFor(900, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("nbconvert --execute " + name + " timed out after 900 s:\n" + tail(log));
    }
    assertEquals(0, p.exitValue(), "nbconvert --execute " + name + " failed:\n" + tail(log));
    JsonNode nb = JSON.readTree(WORK.resolve("out").resolve(name + ".ipynb").toFile());
    for (JsonNode cell : nb.get("cells")) {
      if (!cell.get("cell_type").asText().equals("code")) continue;
      assertTrue(cell.get("execution_count").isInt(), name + ": a code cell did not run: " + cell.get("source"));
      for (JsonNode o : cell.get("outputs")) {
        assertTrue(!o.get("output_type").asText().equals("error"), name + ": error output " + o);
      }
      assertTrue(cell.get("outputs").size() > 0, name + ": a code cell showed nothing: " + cell.get("source"));
    }
    return nb;
  }

  /** "title|points" of every figure (image/svg+xml output), in order; each SVG must hold drawn data. */
  static List<String> figures(JsonNode nb) {
    List<String> out = new ArrayList<>();
    for (JsonNode d : outputs(nb, "image/svg+xml")) {
      String svg = text(d.get("image/svg+xml"));
      assertTrue(svg.contains("<svg") && svg.contains("<path"), "an SVG with drawn paths");
      Matcher m = POINTS.matcher(text(d.get("text/plain")));
      assertTrue(m.matches(), "figure text " + text(d.get("text/plain")));
      out.add(m.group(1) + "|" + m.group(2));
    }
    return out;
  }

  static List<String> svgs(JsonNode nb) {
    return outputs(nb, "image/svg+xml").stream().map(d -> text(d.get("image/svg+xml"))).toList();
  }

  static List<String> html(JsonNode nb) {
    return outputs(nb, "text/html").stream().map(d -> text(d.get("text/html"))).toList();
  }

  static List<JsonNode> outputs(JsonNode nb, String mime) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode cell : nb.get("cells")) {
      if (!cell.has("outputs")) continue;
      for (JsonNode o : cell.get("outputs")) {
        if (o.has("data") && o.get("data").has(mime)) out.add(o.get("data"));
      }
    }
    return out;
  }

  /** nbformat stores text as a string or as a list of lines. */
  static String text(JsonNode n) {
    if (n.isTextual()) return n.asText();
    StringBuilder b = new StringBuilder();
    n.forEach(x -> b.append(x.asText()));
    return b.toString();
  }

  record Result(int exit, String log) {}

  static Result run(List<String> cmd, Map<String, String> env, Path log, int timeoutS) throws IOException,
      InterruptedException {
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .directory(PROJECT.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      return new Result(-1, "timed out after " + timeoutS + " s\n" + tail(log));
    }
    return new Result(p.exitValue(), tail(log));
  }

  static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  /** Why nbconvert cannot run here, or null when it can. */
  static String missingJupyter() {
    for (List<String> cmd : List.of(List.of("jupyter", "nbconvert", "--version"),
        List.of("jupyter", "kernelspec", "--version"))) {
      try {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return "`" + String.join(" ", cmd) + "` did not answer within 60 s";
        }
        if (p.exitValue() != 0) return "`" + String.join(" ", cmd) + "` exited with " + p.exitValue();
      } catch (IOException e) {
        return "`" + cmd.get(0) + "` is not on PATH (" + System.getenv("PATH") + ")";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }
    return null;
  }

  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }
}
