package io.cyclelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.errors.ErrorCode;
import io.cyclelake.ingest.synthetic.FleetSpec;
import io.cyclelake.ingest.synthetic.SyntheticFleet;
import io.cyclelake.lake.Lake;
import io.cyclelake.report.html.Html;
import io.cyclelake.report.plot.SvgCharts;
import io.cyclelake.testkit.TestSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `cyclelake experiment NAME` from a clean lake: ingest, features, its sweeps, the experiments table, the results
 * page whose figures equal fold_metrics, and the index block that a rerun replaces; a failing step is recorded and
 * the other steps' results are still written.
 */
class ExperimentCommandTest {
  @TempDir Path home;

  private ReprocessCommandTest.Run experiment(String... more) {
    String old = System.getProperty("cyclelake.home");
    System.setProperty("cyclelake.home", home.toString());
    try {
      List<String> a = new java.util.ArrayList<>(List.of("experiment"));
      a.addAll(List.of(more));
      return ReprocessCommandTest.run(a.toArray(String[]::new));
    } finally {
      if (old == null) System.clearProperty("cyclelake.home");
      else System.setProperty("cyclelake.home", old);
    }
  }

  @Test
  void runsEndToEndWritesResultsEqualToFoldMetricsAndKeepsGoingPastAFailedStep() throws Exception {
    SyntheticFleet.write(new FleetSpec(3, 12, List.of(24.0), 60.0, 5L), home.resolve("raw"));
    Path conf = home.resolve("conf/experiments");
    Files.createDirectories(conf);
    Files.writeString(conf.resolve("tiny.conf"), """
        cyclelake.experiment {
          name = "tiny"
          title = "tiny LOCO"
          question = "Does it run?"
          data = [{ source = "nasa", input = "raw" }]
          steps = [
            { name = "loco", set = ["sweep.name = tiny-loco", "sweep.split = loco",
                "sweep.models = [{ model = linear }, { model = ridge, grid { alpha = [10.0] } }]"] }
            { name = "broken", set = ["sweep.name = tiny-broken", "sweep.cells = [NOT-A-CELL]",
                "sweep.models = [{ model = ridge }]"] }
            { name = "rul", set = ["sweep.name = tiny-rul", "sweep.split = loco", "sweep.task = rul",
                "train.rul.eol = fraction-of-initial", "train.rul.eol-fraction = 0.9", "train.rul.initial-cycles = 2",
                "train.rul.eol-consecutive = 1", "sweep.features = [capacity_ah, soh_so_far]",
                "sweep.models = [{ model = linear }]"] }
          ]
          documented = [{ name = "paper", part = "test", mae = 0.5 }]
          targets = [{ metric = "mae", part = "test", at-most = 0.000001 }]
        }
        """, StandardCharsets.UTF_8);
    Path lakeDir = home.resolve("lake");

    ReprocessCommandTest.Run list = experiment("--lake", lakeDir.toString());
    assertEquals(0, list.exit(), list.err());
    assertEquals("tiny", list.out().strip());
    ReprocessCommandTest.Run unknown = experiment("nope", "--lake", lakeDir.toString());
    assertEquals(ErrorCode.UNKNOWN_NAME.exitCode(), unknown.exit());
    assertTrue(unknown.err().contains("no experiment named 'nope'") && unknown.err().contains("experiments: tiny"),
        unknown.err());

    ReprocessCommandTest.Run r = experiment("tiny", "--lake", lakeDir.toString());
    assertEquals(ErrorCode.JOB_FAILED.exitCode(), r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("step broken FAILED") && r.out().contains("NOT-A-CELL"), r.out());

    Lake lake = new Lake(TestSpark.get(), lakeDir.toString());
    List<Row> steps = lake.spark().read().format("delta").load(lakeDir.resolve("experiments").toString())
        .orderBy("step").select("step", "status", "sweep_id", "error", "tasks", "git_commit").collectAsList();
    assertEquals(3, steps.size());
    assertEquals("broken", steps.get(0).getString(0));
    assertEquals("failed", steps.get(0).getString(1));
    assertTrue(steps.get(0).isNullAt(2));
    assertTrue(steps.get(0).getString(3).contains("NOT-A-CELL"));
    assertEquals("ok", steps.get(1).getString(1));
    assertEquals(6, steps.get(1).getInt(4), "2 specs x 3 LOCO folds");
    assertEquals("unknown", steps.get(1).getString(5), "the temporary home is not a git checkout");
    String sweep = steps.get(1).getString(2);
    assertEquals("rul", steps.get(2).getString(0));
    assertEquals("ok", steps.get(2).getString(1), steps.get(2).getString(3));
    String rulSweep = steps.get(2).getString(2);

    String page = Files.readString(home.resolve("docs/results/tiny.md"), StandardCharsets.UTF_8);
    List<Row> expected = lake.spark().read().format("delta").load(lakeDir.resolve("fold_metrics").toString())
        .where("sweep_id = '" + sweep + "' and part = 'test' and cell_id = '*'")
        .groupBy("model").agg(org.apache.spark.sql.functions.avg("mae"), org.apache.spark.sql.functions.avg("rmse"),
            org.apache.spark.sql.functions.count("*"))
        .orderBy("model").collectAsList();
    assertEquals(2, expected.size());
    for (Row e : expected) {
      String settings = e.getString(0).equals("ridge") ? "alpha=10" : "defaults";
      String prefix = "| loco | " + e.getString(0) + " | " + settings + " | " + e.getLong(3) + " | "
          + String.format(Locale.ROOT, "%.4f", e.getDouble(1)) + " | ";
      assertTrue(page.contains(prefix), prefix + "\n" + page);
      String rowLine = page.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
      assertTrue(rowLine.contains("| " + String.format(Locale.ROOT, "%.4f", e.getDouble(2)) + " |"), rowLine);
      assertEquals(3L, e.getLong(3), "one test row per LOCO fold");
    }
    assertTrue(page.contains("| published | paper |  |  | 0.5000 |"), page);
    assertTrue(page.contains("Target test mae ≤ 1.0E-6: best ") && page.contains("missed by"), page);
    assertTrue(page.contains("| broken | - | failed: "), page);
    assertTrue(page.contains("`jobs/cyclelake experiment tiny`"), page);

    Path index = home.resolve("docs/results.md");
    String idx = Files.readString(index, StandardCharsets.UTF_8);
    assertTrue(idx.contains("[full results](results/tiny.md)"), idx);
    checkCards(lake, lakeDir, sweep, page, idx);
    checkFigures(lake, lakeDir, sweep, rulSweep);
    for (Path f : List.of(home.resolve("docs/results/tiny.md"), index)) assertLinksResolve(f);
    Files.writeString(index, idx + "\nReading written by hand.\n", StandardCharsets.UTF_8);

    ReprocessCommandTest.Run again = experiment("--all", "--lake", lakeDir.toString());
    assertEquals(ErrorCode.JOB_FAILED.exitCode(), again.exit());
    assertTrue(again.out().matches("(?s).*experiments: tiny \\d+ s \\(exit 10\\); \\d+ s in all.*"), again.out());
    assertTrue(again.out().contains("nothing new"), "the rerun ingests nothing: " + again.out());
    String idx2 = Files.readString(index, StandardCharsets.UTF_8);
    assertEquals(1, idx2.split("<!-- cyclelake:experiment tiny ", -1).length - 1, idx2);
    assertTrue(idx2.endsWith("\nReading written by hand.\n"), idx2);
    assertEquals(6L, lake.spark().read().format("delta").load(lakeDir.resolve("experiments").toString()).count());
    // the rerun regenerated the cards of its own sweeps and removed the first run's
    try (var walk = Files.walk(home.resolve("docs/results/cards"))) {
      List<String> confs = walk.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".conf")).toList();
      assertEquals(2, confs.size(), confs.toString());
      assertTrue(confs.stream().noneMatch(c -> c.startsWith(sweep)), confs + " still holds " + sweep);
    }
    for (Path f : List.of(home.resolve("docs/results/tiny.md"), index)) assertLinksResolve(f);
  }

  /**
   * One Markdown model card per spec of each successful step (no HTML), whose fold and per-cell metrics equal
   * fold_metrics, linked from the results page and the index.
   */
  private void checkCards(Lake lake, Path lakeDir, String sweep, String page, String idx) throws Exception {
    Path cards = home.resolve("docs/results/cards/tiny");
    try (var walk = Files.walk(cards)) {
      List<String> files = walk.filter(Files::isRegularFile).map(f -> cards.relativize(f).toString()).sorted()
          .toList();
      assertTrue(files.stream().noneMatch(f -> f.endsWith(".html")), files.toString());
      assertTrue(files.containsAll(List.of("loco/index.md", "loco/s0-linear.md", "loco/s1-ridge.md",
          "loco/" + sweep + ".conf", "rul/s0-linear.md")), files.toString());
      assertTrue(files.stream().noneMatch(f -> f.startsWith("broken")), files.toString());
    }
    assertLinksResolve(cards.resolve("loco/index.md"));
    lake.spark().read().format("delta").load(lakeDir.resolve("fold_metrics").toString())
        .createOrReplaceTempView("fold_metrics");
    for (String spec : List.of("s0-linear", "s1-ridge")) {
      String card = Files.readString(cards.resolve("loco/" + spec + ".md"), StandardCharsets.UTF_8);
      String runs = "run_id like '" + sweep + "-" + spec.substring(0, 2) + "-f%'";
      List<Row> fm = lake.spark().sql("select fold, part, n, mae, rmse, r2, max_error, within_5pct, interval_level, "
          + "coverage from fold_metrics where cell_id = '*' and " + runs + " order by part desc, fold")
          .collectAsList();
      List<Row> cells = lake.spark().sql("select cell_id, fold, n, mae, rmse, max_error, interval_level, coverage "
          + "from fold_metrics where cell_id != '*' and part = 'test' and " + runs + " order by cell_id, fold")
          .collectAsList();
      assertEquals(3, cells.size(), "one test cell per LOCO fold");
      assertTrue(fm.size() >= 6, "train and test of 3 folds: " + fm);
      for (Row r : concat(fm, cells)) {
        StringBuilder line = new StringBuilder("|");
        for (int i = 0; i < r.length(); i++) line.append(' ').append(Html.format(r.get(i))).append(" |");
        assertTrue(card.contains(line), spec + " lacks the fold_metrics row " + line + "\n" + card);
      }
      assertTrue(card.contains("jobs/cyclelake sweep --conf docs/results/cards/tiny/loco/" + sweep + ".conf"), card);
      assertTrue(page.contains("[card](cards/tiny/loco/" + spec + ".md)"), page);
      assertTrue(idx.contains("[card](results/cards/tiny/loco/" + spec + ".md)"), idx);
    }
  }

  private static List<Row> concat(List<Row> a, List<Row> b) {
    List<Row> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /**
   * The SVG figures: for each successful step the test predictions of its best spec (one 3 px square per
   * prediction, in its cell's colour) and its fold bars (one bar per fold and spec plus the mean, heights in the
   * ratio of the MAEs); for the RUL step also the predicted RUL over cycles.
   */
  private void checkFigures(Lake lake, Path lakeDir, String sweep, String rulSweep) throws Exception {
    Path img = home.resolve("docs/results/img/tiny");
    try (var list = Files.list(img)) {
      assertEquals(List.of("loco-folds.svg", "loco-predicted.svg", "rul-folds.svg", "rul-predicted.svg",
          "rul-rul.svg"), list.map(f -> f.getFileName().toString()).sorted().toList());
    }
    String page = Files.readString(home.resolve("docs/results/tiny.md"), StandardCharsets.UTF_8);
    for (String f : List.of("loco-folds", "loco-predicted", "rul-folds", "rul-predicted", "rul-rul")) {
      assertTrue(page.contains("](img/tiny/" + f + ".svg)"), f + "\n" + page);
      assertTrue(Files.size(img.resolve(f + ".svg")) < 60_000, f + " is " + Files.size(img.resolve(f + ".svg")));
    }
    lake.spark().read().format("delta").load(lakeDir.resolve("predictions").toString())
        .createOrReplaceTempView("predictions");
    lake.spark().read().format("delta").load(lakeDir.resolve("fold_metrics").toString())
        .createOrReplaceTempView("fold_metrics");
    for (String[] step : List.of(new String[] {"loco", sweep}, new String[] {"rul", rulSweep})) {
      // the best spec: lowest mean test MAE over folds
      List<Row> specs = lake.spark().sql("select regexp_extract(run_id, '-(s[0-9]+)-f', 1) as spec, avg(mae) as m "
          + "from fold_metrics where sweep_id = '" + step[1] + "' and part = 'test' and cell_id = '*' "
          + "group by spec order by m").collectAsList();
      String best = specs.get(0).getString(0);
      List<Row> perCell = lake.spark().sql("select cell_id, count(*) from predictions where part = 'test' and "
          + "run_id like '" + step[1] + "-" + best + "-f%' group by cell_id order by cell_id").collectAsList();
      assertEquals(3, perCell.size());
      long total = perCell.stream().mapToLong(r -> r.getLong(1)).sum();
      assertTrue(total <= SvgCharts.MAX_POINTS, "no thinning on the tiny fleet");
      String scatter = Files.readString(img.resolve(step[0] + "-predicted.svg"), StandardCharsets.UTF_8);
      Map<Integer, Integer> marks = squares(scatter);
      for (int c = 0; c < perCell.size(); c++) {
        assertEquals((int) perCell.get(c).getLong(1), marks.getOrDefault(c, 0), step[0] + " cell "
            + perCell.get(c).getString(0) + " in colour " + c + ": " + marks);
      }
      if (step[0].equals("rul")) {
        String rul = Files.readString(img.resolve("rul-rul.svg"), StandardCharsets.UTF_8);
        Map<Integer, Integer> rm = squares(rul);
        for (int c = 0; c < perCell.size(); c++) assertEquals((int) perCell.get(c).getLong(1), rm.get(c), "rul " + rm);
        assertTrue(rul.contains(">cycle index<") && rul.contains(">tiny / rul: RUL of the test cells"), "titles");
      }
      // fold bars: the specs by mean test MAE (at most 3), one bar per fold and one for the mean
      String bars = Files.readString(img.resolve(step[0] + "-folds.svg"), StandardCharsets.UTF_8);
      List<double[]> heights = rects(bars);
      List<Double> expected = new java.util.ArrayList<>();
      for (int k = 0; k < Math.min(3, specs.size()); k++) {
        int colour = k;
        List<Row> folds = lake.spark().sql("select mae from fold_metrics where part = 'test' and cell_id = '*' and "
            + "run_id like '" + step[1] + "-" + specs.get(k).getString(0) + "-f%' order by fold").collectAsList();
        List<double[]> mine = heights.stream().filter(h -> h[0] == colour).toList();
        assertEquals(folds.size() + 1, mine.size(), "bars of spec " + k + " in " + step[0]);
        folds.forEach(r -> expected.add(r.getDouble(0)));
        expected.add(specs.get(k).getDouble(1));
      }
      List<Double> drawn = new java.util.ArrayList<>();
      for (int k = 0; k < Math.min(3, specs.size()); k++) {
        int colour = k;
        heights.stream().filter(h -> h[0] == colour).forEach(h -> drawn.add(h[1]));
      }
      double maxE = expected.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      double maxD = drawn.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      for (int i = 0; i < expected.size(); i++) {
        assertEquals(expected.get(i) / maxE, drawn.get(i) / maxD, 0.01, "bar " + i + " of " + step[0]);
      }
    }
  }

  private static final java.util.regex.Pattern GROUP = java.util.regex.Pattern.compile(
      "<g style='fill:rgb\\((\\d+),(\\d+),(\\d+)\\);stroke:none'[^>]*>((?:<path d='[^']*'/>)+)</g>");
  private static final java.util.regex.Pattern PATH = java.util.regex.Pattern.compile("<path d='([^']*)'/>");
  private static final java.util.regex.Pattern RECT = java.util.regex.Pattern.compile(
      "<rect x='([-0-9.]+)' y='([-0-9.]+)' width='([0-9.]+)' height='([0-9.]+)' style='fill:rgb\\((\\d+),(\\d+),"
          + "(\\d+)\\)'");

  /** Filled 3 x 3 px squares (the points) per palette colour index. */
  private static Map<Integer, Integer> squares(String svg) {
    Map<Integer, Integer> out = new java.util.TreeMap<>();
    java.util.regex.Matcher g = GROUP.matcher(svg);
    while (g.find()) {
      int colour = colour(g.group(1), g.group(2), g.group(3));
      java.util.regex.Matcher p = PATH.matcher(g.group(4));
      while (p.find()) {
        if (!p.group(1).matches("[-0-9.,MLZ]+")) continue; // curves (legend samples of lines), not a point
        double[] v = java.util.Arrays.stream(p.group(1).split("[MLZ,]")).filter(t -> !t.isEmpty())
            .mapToDouble(Double::parseDouble).toArray();
        double minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (int i = 0; i + 1 < v.length; i += 2) {
          minX = Math.min(minX, v[i]);
          maxX = Math.max(maxX, v[i]);
          minY = Math.min(minY, v[i + 1]);
          maxY = Math.max(maxY, v[i + 1]);
        }
        if (Math.abs(maxX - minX - SvgCharts.POINT_PX) < 0.15 && Math.abs(maxY - minY - SvgCharts.POINT_PX) < 0.15) {
          out.merge(colour, 1, Integer::sum);
        }
      }
    }
    return out;
  }

  /** Bars in palette colours, left to right: {colour index, height}. */
  private static List<double[]> rects(String svg) {
    List<double[]> out = new java.util.ArrayList<>();
    java.util.regex.Matcher m = RECT.matcher(svg);
    while (m.find()) {
      int c = colour(m.group(5), m.group(6), m.group(7));
      if (c >= 0) out.add(new double[] {c, Double.parseDouble(m.group(4)), Double.parseDouble(m.group(1))});
    }
    out.sort(java.util.Comparator.comparingDouble(r -> r[2]));
    return out;
  }

  private static int colour(String r, String g, String b) {
    java.awt.Color c = new java.awt.Color(Integer.parseInt(r), Integer.parseInt(g), Integer.parseInt(b));
    return SvgCharts.PALETTE.indexOf(c);
  }

  /** Every relative link and image of a Markdown file names an existing file. */
  private static void assertLinksResolve(Path md) throws Exception {
    String text = Files.readString(md, StandardCharsets.UTF_8);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\]\\(([^)\\s]+)\\)").matcher(text);
    int n = 0;
    while (m.find()) {
      String target = m.group(1);
      if (target.startsWith("http://") || target.startsWith("https://") || target.startsWith("#")) continue;
      n++;
      Path f = md.getParent().resolve(target).normalize();
      assertTrue(Files.isRegularFile(f), md + " links " + target + ", which is not a file");
    }
    assertTrue(n > 0, md + " has no links");
  }
}
